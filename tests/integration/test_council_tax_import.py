"""Importing the revenues system's extract: whole accounts or none, a second run changes nothing,
refused lines reported with their file, line and reason; and the generated demo extract."""

import csv
import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    CouncilTaxAccount,
    CouncilTaxCharge,
    CouncilTaxImport,
    CouncilTaxInstalment,
    CouncilTaxLiablePerson,
    CouncilTaxProperty,
    CouncilTaxRecoveryEvent,
    CouncilTaxReduction,
    CouncilTaxTransaction,
    RecoveryStage,
)
from app.services.council_tax import adapter, demo, demo_extract, extract
from app.services.council_tax import extract_format as fmt
from app.services.council_tax.extract_format import ExtractError
from tests.conftest import count

pytestmark = pytest.mark.db

ACCOUNT_A, ACCOUNT_B = "70000001", "70000002"


def extract_files():
    """Two accounts at two properties: A with everything, B (joint payers) with a payment."""
    return {
        "properties.csv": [
            ["P1", "100000000001", "1 High Street", "", "Demoton", "dm11ab", "C"],
            ["P2", "", "Flat 2, Mill House", "Mill Lane", "Demoton", "DM1 2CD", "A"],
        ],
        "accounts.csv": [
            [ACCOUNT_A, "P1", "open", "2026-07-20", "", "direct_debit", "15", "10", "100000", "ab12-cd34"],
            [ACCOUNT_B, "P2", "closed", "2020-01-01", "2026-07-19", "cash", "", "10", "-1500", "ZZZZ9999"],
        ],
        "liable_people.csv": [
            [ACCOUNT_A, "1", "Rhian Evans"],
            [ACCOUNT_B, "1", "Sam Patel"],
            [ACCOUNT_B, "2", "Ria Patel"],
        ],
        "charges.csv": [[ACCOUNT_A, "2026", "2026-07-20", "2027-03-31", "C", "212800", "149252"]],
        "reductions.csv": [
            [ACCOUNT_A, "2026", "single_person", "", "", "2026-07-20", "2027-03-31", "25", "37313"],
        ],
        "instalments.csv": [
            [ACCOUNT_A, "2026", "1", "2026-08-15", "11939", "11939"],
            [ACCOUNT_A, "2026", "2", "2026-09-15", "12500", "0"],
        ],
        "transactions.csv": [
            [ACCOUNT_A, "T1", "2026", "2026-08-15", "payment", "direct_debit", "11939"],
            [ACCOUNT_B, "T9", "2026", "2026-07-01", "payment", "card", "5000"],
        ],
        "recovery.csv": [[ACCOUNT_A, "2026", "reminder", "2026-09-25", "12500", "0", "2026-10-02"]],
    }


def write_extract(folder, files=None, extracted_at="2026-11-23T01:30:00Z"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "extract.json").write_text(json.dumps({"format": 1, "extracted_at": extracted_at}))
    for file_format in fmt.ALL_FILES:
        with (folder / file_format.name).open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(file_format.columns)
            writer.writerows((files or extract_files())[file_format.name])
    return folder


def account(reference):
    return db.session.scalar(sa.select(CouncilTaxAccount).where(CouncilTaxAccount.reference == reference))


def snapshot():
    """Every imported row, as stored."""
    models = (CouncilTaxProperty, CouncilTaxAccount, CouncilTaxLiablePerson, CouncilTaxCharge, CouncilTaxReduction)
    models += (CouncilTaxInstalment, CouncilTaxTransaction, CouncilTaxRecoveryEvent)
    return {
        model.__tablename__: [tuple(row) for row in db.session.execute(sa.select(model.__table__)).all()]
        for model in models
    }


def test_an_extract_is_imported_whole(app_context, tmp_path):
    report = extract.import_folder(write_extract(tmp_path / "x"))
    assert (report.accounts["added"], report.properties["added"], report.rejected) == (2, 2, [])
    found = account(ACCOUNT_A)
    assert found.property.single_line == "1 High Street, Demoton, DM1 1AB"
    assert (found.property.uprn, found.property.band, found.balance_pence, found.payment_day) == (
        100000000001,
        "C",
        100000,
        15,
    )
    assert found.liable_from == date(2026, 7, 20) and found.liable_to is None
    assert found.online_key_hash == fmt.online_key_hash(ACCOUNT_A, "AB12CD34")  # kept only as a hash
    assert "ab12" not in found.online_key_hash.lower()
    assert [person.full_name for person in account(ACCOUNT_B).people] == ["Sam Patel", "Ria Patel"]
    assert account(ACCOUNT_B).balance_pence == -1500  # in credit
    assert db.session.scalar(sa.select(CouncilTaxReduction.amount_pence)) == 37313
    assert count(CouncilTaxInstalment, CouncilTaxInstalment.account_id == found.id) == 2
    assert db.session.scalar(sa.select(CouncilTaxRecoveryEvent.stage)) == RecoveryStage.REMINDER
    assert db.session.scalar(sa.select(CouncilTaxImport.counts))["accounts"]["added"] == 2


def test_a_second_run_changes_nothing(app_context, tmp_path):
    folder = write_extract(tmp_path / "x")
    extract.import_folder(folder)
    before = snapshot()
    report = extract.import_folder(folder)
    assert report.accounts == {"unchanged": 2} and report.properties == {"unchanged": 2}
    assert report.changed == 0
    assert snapshot() == before  # not even the import time of an account


def test_a_changed_account_is_replaced_and_the_others_left_alone(app_context, tmp_path):
    extract.import_folder(write_extract(tmp_path / "x"))
    before = snapshot()
    files = extract_files()
    files["transactions.csv"].insert(1, [ACCOUNT_A, "T2", "2026", "2026-09-15", "payment", "direct_debit", "12500"])
    files["accounts.csv"][0][8] = "87500"
    report = extract.import_folder(write_extract(tmp_path / "y", files, "2026-11-24T01:30:00Z"))
    assert report.accounts == {"updated": 1, "unchanged": 1}
    assert account(ACCOUNT_A).balance_pence == 87500
    refs = db.session.scalars(
        sa.select(CouncilTaxTransaction.transaction_ref).where(
            CouncilTaxTransaction.account_id == account(ACCOUNT_A).id
        )
    )
    assert sorted(refs) == ["T1", "T2"]
    after = snapshot()
    b_id = account(ACCOUNT_B).id
    assert [row for row in after["council_tax_accounts"] if row[0] == b_id] == [
        row for row in before["council_tax_accounts"] if row[0] == b_id
    ]


def test_a_refused_line_refuses_its_account_which_keeps_its_copy(app_context, tmp_path):
    extract.import_folder(write_extract(tmp_path / "x"))
    files = extract_files()
    files["transactions.csv"][0][3] = "2026-13-01"  # line 2 of transactions.csv
    files["accounts.csv"][0][8] = "1"
    files["transactions.csv"][1][6] = "6000"  # account B changes and is fine
    rejected = []
    report = extract.import_folder(write_extract(tmp_path / "y", files), on_rejected=rejected.append)
    assert [str(found) for found in report.rejected] == [
        "transactions.csv line 2: posted_on '2026-13-01' is not a date like 2026-04-01",
        "accounts.csv line 2: the account was not imported: its lines above were refused",
    ]
    assert rejected == report.rejected
    assert report.accounts == {"rejected": 1, "updated": 1}
    assert account(ACCOUNT_A).balance_pence == 100000  # as it was
    assert (
        db.session.scalar(
            sa.select(CouncilTaxTransaction.amount_pence).where(CouncilTaxTransaction.transaction_ref == "T9")
        )
        == 6000
    )


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "reason"),
    [
        ("accounts.csv", 0, 5, "cheque", "payment_method 'cheque' is not one of direct_debit, cash"),
        ("accounts.csv", 0, 6, "", "a Direct Debit account needs its payment_day"),
        ("accounts.csv", 0, 8, "99999999999", "balance_pence 99999999999 is not between -100000000 and 100000000"),
        ("accounts.csv", 0, 1, "P404", "property P404 is not in properties.csv"),
        ("accounts.csv", 0, 0, "70000001<script>", "account_ref '70000001<SCRIPT>' is not a reference"),
        ("liable_people.csv", 0, 2, "Rhian\x07Evans", "full_name contains control characters"),
        ("liable_people.csv", 0, 2, "R" * 201, "full_name is longer than 200 characters"),
        ("charges.csv", 0, 3, "2027-04-01", "the period is not within 2026-27"),
        ("charges.csv", 0, 4, "Z", "band 'Z' is not a band A to I"),
        ("reductions.csv", 0, 2, "exemption", "an exemption needs its exemption_class"),
        ("instalments.csv", 0, 5, "99999", "paid_pence is more than amount_pence"),
        ("instalments.csv", 1, 2, "1", "year, number given twice for this account"),
        ("transactions.csv", 0, 6, "12.50", "amount_pence '12.50' is not a whole number"),
        ("recovery.csv", 0, 2, "bailiff", "stage 'bailiff' is not one of reminder"),
    ],
)
def test_each_kind_of_bad_line_is_refused_with_its_reason(app_context, tmp_path, file, row, column, value, reason):
    files = extract_files()
    files[file][row][column] = value
    report = extract.import_folder(write_extract(tmp_path / "x", files))
    assert any((found.file, found.line) == (file, row + 2) and reason in found.reason for found in report.rejected), (
        report.rejected
    )
    assert account(ACCOUNT_A) is None and account(ACCOUNT_B) is not None


def test_lines_for_an_account_not_in_the_extract_are_refused(app_context, tmp_path):
    files = extract_files()
    files["transactions.csv"].append(["79999999", "T1", "2026", "2026-08-15", "payment", "card", "100"])
    report = extract.import_folder(write_extract(tmp_path / "x", files))
    assert [str(found) for found in report.rejected] == [
        "transactions.csv line 4: account 79999999 is not in accounts.csv"
    ]
    assert report.accounts == {"added": 2}


def test_an_account_with_lines_out_of_order_is_refused_whole(app_context, tmp_path):
    files = extract_files()
    files["liable_people.csv"].append([ACCOUNT_A, "2", "Late Line"])  # after account B's lines
    report = extract.import_folder(write_extract(tmp_path / "x", files))
    assert str(report.rejected[0]) == "liable_people.csv line 5: not in account_ref order"
    assert "out of order" in str(report.rejected[1])
    assert account(ACCOUNT_A) is None and account(ACCOUNT_B) is not None


def test_an_account_given_twice_is_refused(app_context, tmp_path):
    files = extract_files()
    files["accounts.csv"].insert(1, list(files["accounts.csv"][0]))
    report = extract.import_folder(write_extract(tmp_path / "x", files))
    assert str(report.rejected[0]) == "accounts.csv line 3: account_ref is given twice"
    assert account(ACCOUNT_A) is None and report.accounts == {"rejected": 1, "added": 1}


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda folder: (folder / "recovery.csv").unlink(), "recovery.csv is missing"),
        (lambda folder: (folder / "charges.csv").write_text("account_ref,year\n"), "charges.csv: missing columns"),
        (lambda folder: (folder / "extract.json").write_text("{"), "extract.json is not JSON"),
        (lambda folder: (folder / "extract.json").write_text('{"format": 2}'), "format must be 1"),
        (
            lambda folder: (folder / "transactions.csv").write_bytes(
                b"account_ref,transaction_ref,year,posted_on,kind,method,amount_pence\n\xff\xfe\n"
            ),
            "not UTF-8",
        ),
    ],
)
def test_an_extract_that_cannot_be_read_is_refused(app_context, tmp_path, damage, message):
    folder = write_extract(tmp_path / "x")
    damage(folder)
    with pytest.raises(ExtractError, match=message):
        extract.import_folder(folder)


def test_accounts_are_stored_in_batches(app_context, tmp_path):
    batches = []
    report = extract.import_folder(
        write_extract(tmp_path / "x"), batch_size=1, on_batch=lambda: batches.append(count(CouncilTaxAccount))
    )
    # After the properties, after each account, and the import's own record.
    assert batches == [0, 1, 2, 2]
    assert report.accounts == {"added": 2}


def test_the_command_reports_refused_lines_and_exits_with_3(app, database, tmp_path):
    files = extract_files()
    files["charges.csv"][0][6] = "lots"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["council-tax", "import", str(write_extract(tmp_path / "x", files))])
    assert result.exit_code == 3
    assert "refused: charges.csv line 2: amount_pence 'lots' is not a whole number" in result.stderr
    assert "accounts: 1 added, 0 updated, 0 unchanged, 1 refused" in result.stdout
    again = runner.invoke(args=["council-tax", "import", str(write_extract(tmp_path / "y"))])
    assert again.exit_code == 0, again.output
    assert "accounts: 1 added, 0 updated, 1 unchanged, 0 refused" in again.stdout
    missing = runner.invoke(args=["council-tax", "import", str(tmp_path)])
    assert missing.exit_code == 1 and "extract.json is missing" in missing.output


def test_the_demo_extract_has_every_kind_of_account_and_loads_twice_the_same(app_context, tmp_path):
    today = date(2026, 11, 23)
    report = demo.load(tmp_path / "demo", today)
    assert report.rejected == []
    assert 200 <= report.accounts["added"] <= 400
    stages = set(db.session.scalars(sa.select(CouncilTaxRecoveryEvent.stage).distinct()))
    assert stages == set(RecoveryStage)  # arrears at every stage of recovery
    kinds = set(db.session.scalars(sa.select(CouncilTaxReduction.kind).distinct()))
    assert {"single_person", "all_disregarded", "exemption"} <= kinds
    accounts = db.session.scalars(sa.select(CouncilTaxAccount)).all()
    assert {found.payment_method for found in accounts} == {"direct_debit", "cash"}
    assert any(found.liable_from >= date(2026, 4, 2) for found in accounts)  # moved in this year
    assert any(found.liable_to and found.liable_to >= date(2026, 4, 1) for found in accounts)  # moved out
    assert any(len(found.people) == 2 for found in accounts)  # joint payers
    assert len({found.property.band for found in accounts}) >= 5
    resident = account(demo_extract.DEMO_RESIDENT_REFERENCE)
    assert resident.property.uprn == demo_extract.DEMO_RESIDENT_UPRN
    assert resident.online_key_hash == fmt.online_key_hash(resident.reference, demo_extract.DEMO_RESIDENT_ONLINE_KEY)
    charged = db.session.scalar(
        sa.select(sa.func.sum(CouncilTaxCharge.amount_pence)).where(
            CouncilTaxCharge.account_id == resident.id, CouncilTaxCharge.year == 2026
        )
    )
    off = db.session.scalar(
        sa.select(sa.func.sum(CouncilTaxReduction.amount_pence)).where(
            CouncilTaxReduction.account_id == resident.id, CouncilTaxReduction.year == 2026
        )
    )
    instalments = db.session.scalar(
        sa.select(sa.func.sum(CouncilTaxInstalment.amount_pence)).where(
            CouncilTaxInstalment.account_id == resident.id, CouncilTaxInstalment.year == 2026
        )
    )
    assert instalments == charged - off  # the instalments add up to the bill
    again = demo.load(tmp_path / "demo", today)
    assert again.changed == 0 and again.accounts["unchanged"] == report.accounts["added"]


def test_every_demo_account_s_balance_is_what_its_lines_add_up_to(app_context, tmp_path):
    demo.load(tmp_path / "demo", date(2026, 11, 23))

    def total(model, *criteria):
        return dict(
            db.session.execute(
                sa.select(model.account_id, sa.func.sum(model.amount_pence)).where(*criteria).group_by(model.account_id)
            ).all()
        )

    charges, off = total(CouncilTaxCharge), total(CouncilTaxReduction)
    paid = total(CouncilTaxTransaction, CouncilTaxTransaction.kind == "payment")
    costs = total(CouncilTaxTransaction, CouncilTaxTransaction.kind == "costs")
    for found in db.session.scalars(sa.select(CouncilTaxAccount)):
        expected = charges.get(found.id, 0) - off.get(found.id, 0) + costs.get(found.id, 0) - paid.get(found.id, 0)
        assert found.balance_pence == expected, found.reference


def test_the_extract_adapter_reads_the_imported_record(app_context, tmp_path):
    extract.import_folder(write_extract(tmp_path / "x"))
    revenues = adapter.revenues()
    found = revenues.account(" 70000001 ")
    assert found.reference == ACCOUNT_A and revenues.account("79999999") is None
    assert revenues.as_at().isoformat() == "2026-11-23T01:30:00+00:00"
    assert revenues.years(found) == [2026]
    assert [charge.amount_pence for charge in revenues.charges(found, 2026)] == [149252]
    assert [reduction.kind for reduction in revenues.reductions(found, 2026)] == ["single_person"]
    assert [(i.number, i.paid_pence) for i in revenues.instalments(found, 2026)] == [(1, 11939), (2, 0)]
    assert [t.transaction_ref for t in revenues.transactions(found)] == ["T1"]
    assert [event.stage for event in revenues.recovery(found)] == ["reminder"]
    assert revenues.charges(found, 2025) == []
