"""The shell: the `caregov` command line (`cli.main`) and the local launchers (`cli.local`).

It imports every part and no part imports it: verbs parse options, read settings once, call the
parts' library functions and print what they return.
"""
