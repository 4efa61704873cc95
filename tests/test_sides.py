from analyzer.config import config_from_dict
from analyzer.ingest.records import Interaction, Turn
from analyzer.ingest.sides import resolve

RULES = {
    "company": {"email_domains": ["northwind.example"]},
    "departments": {
        "accounts@northwind.example": "Billing",
        "carter-recovery.example": "agency",
        "billing.northwind.example": "billing-ops",
        "scans/letters/*": "collections",
    },
}


def _email(relative_path="support/x.eml", sender="jo@northwind.example", department=None, to=("a@mail.example",)):
    return Interaction(source_path=f"/drop/{relative_path}", relative_path=relative_path, source_offset=0,
                       source_format="eml", channel="email", turns=[Turn(role="unknown", text="Hi")],
                       sender=sender, recipients=list(to), department=department)


def _resolved(item, rules=RULES):
    return resolve(item, config_from_dict(rules))


def test_first_folder_under_the_root_names_the_department():
    assert _resolved(_email("collections/2026/x.eml")).department == "collections"


def test_metadata_beats_every_rule():
    item = _resolved(_email(sender="accounts@northwind.example", department="Sales Team"))
    assert (item.department, item.department_source) == ("sales-team", "metadata")


def test_sender_address_rule_beats_the_folder():
    item = _resolved(_email(sender="Accounts <accounts@northwind.example>"))
    assert (item.department, item.department_source) == ("billing", "config_address")


def test_sender_domain_rule_matches_subdomains_and_beats_the_folder():
    item = _resolved(_email(sender="r@mail.carter-recovery.example"))
    assert (item.department, item.department_source) == ("agency", "config_domain")


def test_most_specific_domain_rule_wins():
    assert _resolved(_email(sender="x@billing.northwind.example")).department == "billing-ops"


def test_path_glob_rule_beats_the_folder():
    item = _resolved(_email("scans/letters/x.eml", sender="x@mail.example"))
    assert (item.department, item.department_source) == ("collections", "config_path")


def test_file_directly_under_the_root_is_unassigned():
    item = _resolved(_email("x.eml", sender="x@mail.example"))
    assert (item.department, item.department_source) == ("unassigned", "none")


def test_company_domain_subdomain_counts_as_company():
    assert _resolved(_email(sender="x@eu.northwind.example")).direction == "outbound"


def test_lookalike_domain_is_not_the_company():
    assert _resolved(_email(sender="x@fakenorthwind.example")).direction == "inbound"


def test_conversation_direction_follows_its_speakers():
    item = Interaction(source_path="p", relative_path="support/c.csv", source_offset=0, source_format="csv",
                       channel="chat", turns=[Turn(role="customer", text="Hi"), Turn(role="company", text="Hello")])
    assert _resolved(item).direction == "outbound"
