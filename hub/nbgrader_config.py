# nbgrader configuration for the descent course: Go exercises graded through
# the gonb kernel. `make assignments` copies this file into the course
# directory (build/course/nbgrader_config.py); nbgrader reads it from the
# directory it runs in. See hub/CLASS.md.
#
# What nbgrader 0.9 needs for a Go kernel that it does not have out of the box:
#   1. a code stub for the language "go" (the notebooks' kernelspec language)
#      and Go comment delimiters for solutions and hidden tests;
#   2. GoCheckCompleted below: nbgrader gives a test cell full points when its
#      output has no error, and a Go cell's program that ends early with exit
#      status 0 (os.Exit(0) in a student's function) shows no error. Each test
#      cell prints, as the last line of its hidden tests, a token the student
#      never sees; a test cell whose output lacks it gets an error output (zero
#      points). When the token is there, text the cell wrote to stderr is moved
#      to stdout: nbgrader counts any stderr as a failure, and Go programs log
#      to stderr;
#   3. a per-cell timeout long enough for a first Go compile and short enough
#      for an endless loop: the kernel is interrupted, GoNB kills the cell's
#      program, and the next cell runs.
# And, for any course with formulas: feedback pages whose TeX is rendered
# when they are generated (MathMLFeedback below), since nbgrader's feedback
# template loads MathJax from a CDN, and a student offline would read `$…$`.
import os
import re
import shutil

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat.v4 import new_output
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata,
                                    Execute, IgnorePattern, LimitOutput,
                                    NbGraderPreprocessor, SaveAutoGrades)
from nbgrader.exchange.default.submit import \
    ExchangeSubmit as DefaultExchangeSubmit
from nbgrader.utils import is_grade, is_solution

c = get_config()  # noqa: F821 (nbgrader's config loader defines it)

c.CourseDirectory.course_id = os.environ.get("DESCENT_COURSE_ID", "descent")
# The instructor's copy sits in the course directory (beside source/); a
# student's copy (~/.jupyter/ or /etc/jupyter/) is only for the exchange.
if os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "source")):
    c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
if os.environ.get("DESCENT_EXCHANGE"):
    c.Exchange.root = os.environ["DESCENT_EXCHANGE"]

c.ClearSolutions.code_stub = {"go": 'panic(exercise + ": your code here")'}
c.ClearSolutions.begin_solution_delimeter = "// BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "// END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "// BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "// END HIDDEN TESTS"

# Seconds per cell: a cold Go build cache makes the first cell compile the
# library (about 30 s on two cores); an endless loop costs this much per cell.
c.Execute.timeout = int(os.environ.get("DESCENT_CELL_TIMEOUT", "120"))
c.Execute.interrupt_on_timeout = True


class GoCheckCompleted(NbGraderPreprocessor):
    """Fails a Go test cell whose hidden checks did not run to their end."""

    token = re.compile(r'fmt\.Println\("(graded: [^"]* complete [0-9a-f]{16})"\)')

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not is_grade(cell) or is_solution(cell):
            return cell, resources
        m = self.token.search(cell.source)
        if not m:
            return cell, resources
        outputs = cell.get("outputs", [])
        stdout = "".join(o.get("text", "") for o in outputs
                         if o.get("output_type") == "stream" and o.get("name") == "stdout")
        failed = any(o.get("output_type") == "error" for o in outputs)
        if m.group(1) in stdout.splitlines() and not failed:
            for o in outputs:
                if o.get("output_type") == "stream" and o.get("name") == "stderr":
                    o["name"] = "stdout"
            return cell, resources
        if not failed:
            outputs.append(new_output(
                "error", ename="CheckIncomplete",
                evalue="the cell's program ended before its checks finished (os.Exit, or an early return)",
                traceback=["CheckIncomplete: the cell's program ended before its checks finished"]))
            cell["outputs"] = outputs
        return cell, resources


class PrivateSubmit(DefaultExchangeSubmit):
    """nbgrader's submit, without read access for other users.

    nbgrader leaves a submission's files readable by everyone (0444) in the
    inbound folder, protected only by a folder name nobody can list. With the
    inbound folder owned by the instructor's group and set-group-ID
    (`chmod g+s` after release_assignment, hub/CLASS.md), the files a student
    submits belong to that group: this keeps them readable by the group (the
    instructor) and by the student, and by nobody else.
    """

    def set_perms(self, dest, fileperms, dirperms):
        super().set_perms(dest, (fileperms | 0o040) & ~0o007, (dirperms | 0o050) & ~0o007)

    def do_copy(self, src, dest, log=None):
        inbound = os.path.abspath(self.inbound_path) + os.sep
        if not os.path.abspath(dest).startswith(inbound) or os.path.exists(dest):
            return super().do_copy(src, dest, log)
        # Made here, in the set-group-ID inbound folder, the submission's
        # folder and the two files nbgrader writes after copying take the
        # folder's group: copytree's copystat clears the bit on the folder
        # before nbgrader writes them.
        os.mkdir(dest)
        for name in ("timestamp.txt", "submission_secret.txt"):
            open(os.path.join(dest, name), "a").close()
        copytree = shutil.copytree

        def into_existing(s, d, **kw):
            kw["dirs_exist_ok"] = True
            return copytree(s, d, **kw)

        shutil.copytree = into_existing
        try:
            super().do_copy(src, dest, log)
        finally:
            shutil.copytree = copytree


c.ExchangeFactory.submit = PrivateSubmit


# A formula in a markdown cell's rendered HTML: $$…$$ or \[…\] (display),
# $…$ (inline). nbconvert leaves them as text for MathJax.
FORMULA = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\$([^$]+?)\$", re.S)


class MathMLFeedback(HTMLExporter):
    """nbgrader's feedback page with its formulas as MathML.

    nbgrader's feedback template loads MathJax from a CDN, so a student
    offline reads raw `$…$`. This exporter converts the TeX of the markdown
    cells to MathML when the page is generated (latex2mathml, pure Python:
    it works in the course image, which has no Node.js for the lecture
    notes' KaTeX) and removes the MathJax scripts: browsers draw MathML
    without a stylesheet, a font or a script. A formula latex2mathml cannot
    read stays as its TeX.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        from bs4 import BeautifulSoup, NavigableString
        from latex2mathml.converter import convert

        output, resources = super().from_notebook_node(nb, resources, **kw)
        soup = BeautifulSoup(output, "html.parser")
        for script in soup.find_all("script"):
            if "mathjax" in (script.get("src", "") + script.get("type", "") + script.get_text()).lower():
                script.decompose()
        for cell in soup.select(".text_cell_render"):
            for text in cell.find_all(string=FORMULA):
                if text.find_parent(["code", "pre"]):
                    continue
                parts, last = [], 0
                for m in FORMULA.finditer(text):
                    parts.append(NavigableString(text[last:m.start()]))
                    tex, display = m.group(3), "inline"
                    if tex is None:
                        tex, display = m.group(1) or m.group(2), "block"
                    try:
                        mathml = convert(tex.strip(), display=display)
                    except Exception:  # noqa: BLE001 (latex2mathml raises several kinds)
                        parts.append(NavigableString(m.group(0)))
                    else:
                        parts.append(BeautifulSoup(mathml, "html.parser"))
                    last = m.end()
                parts.append(NavigableString(text[last:]))
                text.replace_with(*parts)
        return str(soup), resources


c.GenerateFeedback.exporter_class = MathMLFeedback

c.Autograde.autograde_preprocessors = [
    Execute,
    GoCheckCompleted,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
