#!/usr/bin/env python
"""Same as the ``tinhso`` console command; kept for developers used to manage.py."""

from tinhso.cli import main

if __name__ == "__main__":
    main()
