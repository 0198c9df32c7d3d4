#!/usr/bin/env python3
"""Runs the Azure Blob stand-in (harness/blob_server.py) as a process: `gatehouse demo
--blob-stand-in` starts it with the demo's sample files. `--help` lists the options."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.blob_server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
