#!/usr/bin/env python3
"""Runs the Kubernetes API server stand-in (harness/kube_server.py) as a process, for a demo: it
serves the sample pods (or --config) over HTTPS until SIGTERM, printing `ready <url>` once it
listens; the accepted bearer token comes from the environment variable --token-env names. Needs
root (exec runs chrooted into each pod's sandbox). `--help` lists the options."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.kube_server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
