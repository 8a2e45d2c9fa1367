"""Read models: the frozen dataclasses that query functions in :mod:`reviewtui.db` return and that
screens, commands, exports and mail read. One module per db query module of the same name.

Nothing here does I/O or imports the data layer: a module that only reads these (an export, a
mail) depends on the shapes, not on SQLAlchemy or the queries that fill them.
"""
