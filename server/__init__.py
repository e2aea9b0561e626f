"""The trust server (FastAPI on PostgreSQL). Arrives with the server issue.

It imports only app.models and the sync wire schema.
"""
