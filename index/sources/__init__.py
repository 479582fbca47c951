"""Parsing the sources: programme text, motions, section titles and the question bank → Pledge[]
and BankEntry[] (pure: no model, no index, no disk writes)."""
