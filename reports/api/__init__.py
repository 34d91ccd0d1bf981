"""The read API (/api/v1/): units with their history and lineage, programs with their versions, periods, rollups
(the dashboard's figures), completeness and classes, for other systems of the central level.

Read-only. A personal token (centers/api_tokens.py) or a signed-in session authenticates; every request is scoped
by the same `Scope` as the pages (centers/scoping.py); lists are paginated and every client is throttled. The
figures come from reports/figures/ exactly as the pages get them; this package only shapes them into JSON.
"""
