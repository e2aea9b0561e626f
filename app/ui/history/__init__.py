"""A record's history (every revision, field by field), voiding and amending with a reason,
and the ward's conflicted records resolved side by side (design.md "Records are revisions")."""
