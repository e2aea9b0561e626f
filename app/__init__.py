"""RPR, the Restrictive Practice Recorder: the ward client and its layers.

See docs/architecture.md for the layers and which way they import.
"""
