"""Scale benchmark: synthetic exports at any size (generate.py) and `make bench` (run.py)."""
