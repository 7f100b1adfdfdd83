"""The clinical core, a library: the rule model, loader and compiler (`ruleset`), answers and
their validation (`answers`), the decision (`scoring`), the presenter that puts a decision
into words (`wording`), and one answer set under two rule sets (`compare`).

It imports neither Flask, WTForms nor SQLAlchemy (a test checks), and it never picks a rule
set by itself: every function is given the rule set to use, so a deployment's own rule file
(RULESET_PATH) cannot be silently replaced by the packaged one.
"""
