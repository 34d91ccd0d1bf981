"""Every figure the app shows, from a write to a page. Each module owns one thing; import from the module:

- `basis`: what "the data" is: the basis (approved, submitted, everything) and the centers of a unit;
- `types`: the values (Figures, ProgramFigures, Change, Rollup, the parts a rollup is counted in);
- `maintained`: the maintained tables, kept exact in every write's transaction (refresh, rebuild, differences);
- `counting`: figures counted from the maintained tables (rollup, quarterly series, landing year);
- `reference`: the same figures counted from the raw rows, the oracle the maintained tables are checked against;
- `completeness`: who reported, and the reporting rate;
- `cache`: the stamps writes raise, and the cache of counted figures keyed on them;
- `scored`: what a class under the 2025 rules adds (grades on the ten-point scale, attendance, certificates);
- `programs`: a program compared with a year earlier across the catalogue change (ProgramMapping).

The counting rules themselves are written in courses/models.py.
"""
