#!/usr/bin/env bash
# The main demonstration ('make demo'): see scripts/demo.py.
. "$(dirname "$0")/lib.sh"
exec /usr/bin/python3 "$APX_TOP/scripts/demo.py"
