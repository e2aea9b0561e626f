"""The shift handover: every active restriction on the ward and everything that falls due in
the next 12 hours (what is included is :mod:`app.models.handover`)."""
