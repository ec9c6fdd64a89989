"""Check or fix the metadata the course notebooks need to read right.

    .venv/bin/python tools/site/nbmeta.py --check notebooks/*.ipynb
    .venv/bin/python tools/site/nbmeta.py --fix   notebooks/*.ipynb

1. Check cells. A code cell whose job is to compute and assert the prose's
   claims (nb.Claim) is tagged "check" (cell metadata "tags": ["check"]; in
   JupyterLab: the property inspector, Common Tools → Cell Tags). The site
   folds its code into a <details> with its ✔ results shown; JupyterLab folds
   it when "jupyter": {"source_hidden": true} is set too. --fix sets that for
   every tagged cell; --check fails when a tagged cell lacks it, or an untagged
   cell has it (a folded cell the site would show open).
   Solution cells. An exercise's worked solution is a code cell tagged
   "solution"; the site folds it whole (code and output), JupyterLab folds its
   code with "jupyter": {"source_hidden": true} (its output shows when the
   reader runs it), which --fix sets and --check asserts.
2. Go highlighting. A saved notebook carries the language_info of the kernel
   that last ran it; GoNB's has "pygments_lexer": "" (and codemirror_mode ""),
   which nbconvert and nbviewer read as IPython. --fix sets "go" for both;
   --check fails on an empty one.

Only metadata changes; sources and outputs are kept as they are. Exit status:
0 when everything is right (or was fixed), 1 when --check found something.
"""

import argparse
import sys

# jsonschema (under nbformat and nbconvert) imports rfc3987_syntax when it is
# installed (jupyterlab's jsonschema[format-nongpl] brings it), and that module
# compiles a Lark grammar at import: seconds of CPU per run, for an "iri"
# format check no notebook uses. jsonschema skips the check on ImportError.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402

CHECK_TAG = "check"
SOLUTION_TAG = "solution"


def problems_of(nb):
    """What is wrong with nb's metadata, as (description, fix) pairs."""
    out = []
    info = nb.metadata.get("language_info", {})
    lang = info.get("name") or nb.metadata.get("kernelspec", {}).get("language")
    if lang == "go":
        for key in ("pygments_lexer", "codemirror_mode"):
            if key in info and not info[key]:
                out.append((f'language_info.{key} is empty (GoNB leaves it so): set "go"',
                            lambda key=key: info.__setitem__(key, "go")))
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        tagged = CHECK_TAG in tags or SOLUTION_TAG in tags
        jup = cell.metadata.get("jupyter", {})
        hidden = bool(jup.get("source_hidden"))
        if tagged and not hidden:
            out.append((f'cell {i} is tagged "{CHECK_TAG}" or "{SOLUTION_TAG}" but JupyterLab opens it unfolded: set jupyter.source_hidden',
                        lambda c=cell: c.metadata.setdefault("jupyter", {}).__setitem__("source_hidden", True)))
        if hidden and not tagged:
            out.append((f'cell {i} is folded in JupyterLab (jupyter.source_hidden) but not tagged "{CHECK_TAG}": the site shows it open',
                        lambda c=cell: c.metadata.setdefault("tags", []).append(CHECK_TAG)))
    return out


def main(argv):
    ap = argparse.ArgumentParser(prog="nbmeta.py", description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report what is wrong; exit 1 if anything is")
    mode.add_argument("--fix", action="store_true", help="fix it in place (metadata only)")
    ap.add_argument("notebooks", nargs="+")
    a = ap.parse_args(argv)
    bad = 0
    for path in a.notebooks:
        nb = nbformat.read(path, as_version=4)
        found = problems_of(nb)
        for what, fix in found:
            print(f"{path}: {what}" + (" (fixed)" if a.fix else ""))
            if a.fix:
                fix()
        if found and a.fix:
            nbformat.write(nb, path)
        bad += len(found)
    if a.check and bad:
        print(f"nbmeta: {bad} problems; `.venv/bin/python tools/site/nbmeta.py --fix FILES` fixes them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
