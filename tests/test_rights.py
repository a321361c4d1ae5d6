"""`trueopen can`: rights answers from the licenses' own terms, with clauses; exit codes."""

from __future__ import annotations

import pytest

from trueopen.errors import InputError
from trueopen.licenses.rights import parse_users


def test_llama2_users_above_cap_and_distill_are_forbidden(cli):
    r = cli("can", "llama-2-7b", "--users", "800M", "--distill", "--format", "json")
    assert r.code == 1, r.err
    doc = r.json()
    assert doc["subject"] == "llama-2-7b" and doc["license"] == "LicenseRef-llama2"
    users, distill = doc["answers"]["users"], doc["answers"]["distill"]
    assert (users["outcome"], users["clause"]) == ("forbidden", "§2")
    assert (distill["outcome"], distill["clause"]) == ("forbidden", "§1.b.v")
    assert all(a["url"] for a in doc["answers"].values())


def test_llama31_allows_distillation_with_naming_condition(cli):
    r = cli("can", "llama-3.1-8b", "--users", "800M", "--distill", "--format", "json")
    assert r.code == 1  # still above the user cap
    a = r.json()["answers"]
    assert a["users"]["outcome"] == "forbidden"
    assert a["distill"]["outcome"] == "conditional" and a["distill"]["clause"] == "§1.b.i"
    assert any("Llama" in c for c in a["distill"]["conditions"])


def test_under_the_cap_is_allowed(cli):
    r = cli("can", "llama-3.1-8b", "--users", "500M", "--format", "json")
    assert r.code == 0 and r.json()["answers"]["users"]["outcome"] == "allowed"


def test_a_daily_user_cap_is_compared_honestly():
    """Baichuan 2 counts daily users. Monthly users below the cap mean daily ones below it too; above it,
    the answer is the condition, not a verdict we cannot know."""
    from trueopen.licenses import rights

    below = rights.for_license("baichuan2", ["users"], users=500_000).answers["users"]
    above = rights.for_license("baichuan2", ["users"], users=5_000_000).answers["users"]
    assert below.outcome == "allowed" and "daily" in below.summary
    assert above.outcome == "conditional" and above.conditions == ["fewer than 1,000,000 daily active users"]
    assert above.clause == below.clause == "README, License, condition 1"


def test_olmo_commercial_and_distill_are_allowed(cli):
    r = cli("can", "olmo-2-7b", "--commercial", "--distill", "--format", "json")
    assert r.code == 0, r.err
    a = r.json()["answers"]
    assert a["commercial"]["outcome"] == "allowed" and a["distill"]["outcome"] == "allowed"


def test_closed_model_cannot_run_on_prem(cli):
    r = cli("can", "gpt-4o", "--on-prem", "--distill", "--format", "json")
    assert r.code == 1
    a = r.json()["answers"]
    assert a["on_prem"]["outcome"] == "forbidden" and a["distill"]["outcome"] == "forbidden"


def test_license_as_subject_and_all_questions(cli):
    r = cli("can", "gemma", "--format", "json")
    assert r.code == 0
    a = r.json()["answers"]
    assert set(a) == {"commercial", "fine_tune", "redistribute_weights", "distill", "use_outputs_commercially",
                      "on_prem", "military"}
    assert a["distill"]["outcome"] == "conditional" and a["distill"]["clause"] == "§1.1(e)"
    r = cli("can", "cc-by-nc-4.0", "--commercial")
    assert r.code == 1 and "forbidden" in r.out
    r = cli("can", "deepseek", "--military", "--format", "json")
    assert r.code == 1 and r.json()["answers"]["military"]["clause"] == "Attachment A"


def test_table_output_names_clause_and_text(cli):
    r = cli("can", "llama-2-7b", "--distill")
    assert r.code == 1 and "§1.b.v" in r.out and "forbidden" in r.out and "text: https://" in r.out


@pytest.mark.parametrize("text,n", [("800M", 800_000_000), ("1.5B", 1_500_000_000), ("50k", 50_000),
                                    ("700,000,000", 700_000_000), ("12", 12)])
def test_parse_users(text, n):
    assert parse_users(text) == n


def test_bad_input(cli):
    with pytest.raises(InputError):
        parse_users("lots")
    r = cli("can", "llama-2-7b", "--users", "lots")
    assert r.code == 2 and "--users" in r.err and "Traceback" not in r.err
    r = cli("can", "no-such-model-or-license")
    assert r.code == 2 and r.err.startswith("trueopen: error:")
    r = cli("can", "llama-2-7", "--distill")
    assert r.code == 2 and "llama-2-7b" in r.err  # did you mean
    r = cli("can", "stability-ai-community")  # near a license's names, not a model's
    assert r.code == 2 and "stabilityai-ai-community" in r.err and "LicenseRef-stability-ai-community" in r.err


def test_a_user_cap_counts_one_kind_of_user():
    from pydantic import ValidationError

    from trueopen.licenses.terms import UserCap

    for counts in ({}, {"monthly_active_users": 1, "daily_active_users": 1}):
        with pytest.raises(ValidationError):
            UserCap(summary="a cap", **counts)
    assert (UserCap(summary="a cap", daily_active_users=5).per, UserCap(summary="a cap", monthly_active_users=7).count) == ("daily", 7)


# --- expressions, unknown licenses, obligations (issue 18, item 8) ---------------------------

def test_an_or_expression_takes_the_most_permissive_choice(cli):
    r = cli("can", "Apache-2.0 OR MIT", "--format", "json")
    assert r.code == 0, r.err
    answers = r.json()["answers"]
    assert answers["commercial"]["outcome"] == "allowed"
    gemma_or_apache = cli("can", "LicenseRef-gemma OR Apache-2.0", "--distill", "--format", "json")
    assert gemma_or_apache.code == 0
    distill = gemma_or_apache.json()["answers"]["distill"]
    assert distill["outcome"] == "allowed" and "Apache-2.0" in distill["summary"]


def test_an_and_expression_applies_every_license(cli):
    r = cli("can", "MIT AND CC-BY-NC-4.0", "--commercial", "--format", "json")
    assert r.code == 1  # the non-commercial part forbids it, whatever MIT allows
    a = r.json()["answers"]["commercial"]
    assert a["outcome"] == "forbidden" and "CC-BY-NC-4.0" in a["summary"]
    assert cli("can", "MIT AND LicenseRef-nosuch", "--commercial").code == 2


def test_no_allowed_answer_for_a_model_whose_license_is_unknown():
    from trueopen import service
    from trueopen.catalog import loader
    from trueopen.licenses import rights, terms

    unknown = [r for r in loader.load() if terms.lookup(rights.weights_license(r) or "") is None
               and terms.canonical(rights.weights_license(r) or "") is None]
    assert any(r.id == "gemma-4-31b" for r in unknown)
    for r in unknown:
        res = service.can(r.id, list(rights.QUESTIONS), 1000)
        assert all(a.outcome in ("unclear", "forbidden") for a in res.answers.values()), r.id


def test_allowed_answers_name_the_duties_that_come_with_them(cli):
    agpl = cli("can", "AGPL-3.0-only", "--on-prem", "--format", "json").json()["answers"]["on_prem"]
    assert agpl["outcome"] == "allowed" and any("network" in o for o in agpl["obligations"])
    sa = cli("can", "CC-BY-SA-4.0", "--fine-tune", "--format", "json").json()["answers"]["fine_tune"]
    assert sa["outcome"] == "allowed" and any("share-alike" in o for o in sa["obligations"])
    kimi = cli("can", "kimi-k2", "--commercial", "--format", "json")
    a = kimi.json()["answers"]["commercial"]
    assert a["outcome"] == "allowed" and any("Kimi K2" in o for o in a["obligations"])
    mit = cli("can", "MIT", "--commercial", "--format", "json").json()["answers"]["commercial"]
    assert mit["obligations"] == []  # nothing is owed for using MIT software in a product
    table = cli("can", "AGPL-3.0-only", "--on-prem", env={"COLUMNS": "120"})
    assert "duty: network use" in table.out
