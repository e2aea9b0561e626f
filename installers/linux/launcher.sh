#!/bin/sh
# rpr: the RPR ward client and its support commands (the rpr package, in /opt/rpr).
exec /opt/rpr/rpr "$@"
