"""SQL statements and fragments, one module per orchestration module or per concept.

An orchestration module `models/segments/X.py` keeps its statements in `sql/X.py`
(refresh, reevaluation; tree.py renders the compiler's WHERE). The rest are shared
fragments: context.py bound parameters and dialect differences, sources.py where values
come from, terms.py and terms_time.py how a leaf compares them, intervals.py whole-number
ranges that time conditions become. Values that run are bound, never interpolated.
"""
