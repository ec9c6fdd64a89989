// Package hub holds what an instructor needs to serve the course to a class
// with JupyterHub (README.md, jupyterhub_config.py, z2jh-config.yaml) and the
// test that runs a real JupyterHub on 127.0.0.1 with several students at once
// (hub_test.go). It has no Go API of its own.
package hub
