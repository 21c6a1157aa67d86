"""Segments: condition trees, the whitelist they are checked against, and their members.

Layout, one concept per module:

- orm.py the tables; tree.py the validated condition tree and its stored JSON;
  validation.py and values.py check a tree as sent and read its values, against the
  store ids of references.py; errors.py the failures several services raise.
- catalog/ the whitelist: types.py its shape, then one module per data source
  (customer.py, sales.py, products.py); catalog/__init__.py assembles CATALOG.
- Orchestration modules (compiler.py, refresh.py, reevaluation.py, consumers.py) decide what runs in
  which order; their SQL statements live in sql/<same name>.py (sql/tree.py renders the
  compiler's WHERE from tree.py's nodes). Fragments shared by concept sit in sql/ too.
- service.py CRUD, preview.py a dry-run refresh, membership.py reads of members,
  events.py the enter/exit history and the in-process hints after a refresh;
  consumers.py the per-segment cursors through which other domains act on each event
  exactly once (email automation, the subscription broadcaster).

A new attribute is an entry in catalog/<source>.py built from the terms in sql/terms.py or
sql/terms_time.py; a new kind of comparison is a new term there.
"""
