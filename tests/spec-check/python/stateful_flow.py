"""Runs a stateful flow through the client openapi-python-client generated from
spec/salesflow.yaml, against salesflow-emulator: import, get, update, list, delete. Each
step depends on the one before, which a mock that forgets every call (Prism) cannot check.

Usage: stateful_flow.py EMULATOR_API_URL TOKEN
(run by `cargo xtask spec-check`, through the ignored test tests/python_client.rs)
"""

import sys

from salesflow_api_client import Client
from salesflow_api_client.api.contacts import (
    delete_contact,
    get_contact,
    import_member,
    list_contacts_by_campaign,
    update_contact,
)
from salesflow_api_client.models import Contact, ContactUpdate, ErrorBody, StatusMessage

ACCOUNT_ID = 321
CAMPAIGN_ID = 789


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"check failed: {what}")


def main(base_url: str, token: str) -> None:
    client = Client(
        base_url=base_url,
        raise_on_unexpected_status=True,
        httpx_args={"params": {"token": token}},
    )

    imported = import_member.sync(
        client=client,
        account_id=ACCOUNT_ID,
        campaign_id=CAMPAIGN_ID,
        linked_in_url="https://www.linkedin.com/in/python-flow",
        first_name="Py",
        last_name="Thon",
        custom_fields=["first", "second"],
    )
    check(isinstance(imported, Contact), "importMember is typed")
    check(imported.status == "MEMBER_IMPORTED", "an imported member")
    member_id = imported.member_id

    read = get_contact.sync(member_id, client=client, account_id=ACCOUNT_ID)
    check(isinstance(read, Contact), "getContact finds the imported member")
    check(read.first_name == "Py" and read.campaign_id == CAMPAIGN_ID, "what was imported")
    check(read.last_modified_at is None, "never modified yet")

    updated = update_contact.sync(
        member_id,
        client=client,
        account_id=ACCOUNT_ID,
        body=ContactUpdate(occupation="Snake charmer", location="Lisbon"),
    )
    check(isinstance(updated, Contact), "updateContact is typed")
    check(updated.occupation == "Snake charmer", "the update is applied")
    check(isinstance(updated.last_modified_at, str), "the update sets LastModifiedAt")

    listed = list_contacts_by_campaign.sync(
        client=client,
        account_id=ACCOUNT_ID,
        campaign_id=CAMPAIGN_ID,
        updated_from_date=updated.last_modified_at,
    )
    check(isinstance(listed, list) and len(listed) == 1, "listed since the update")
    check(listed[0].member_id == member_id and listed[0].location == "Lisbon", "the updated member")

    deleted = delete_contact.sync_detailed(member_id, client=client, account_id=ACCOUNT_ID)
    check(deleted.status_code in (200, 204), "deleteContact succeeds")
    if deleted.status_code == 200:
        check(isinstance(deleted.parsed, StatusMessage) and deleted.parsed.status == 204, "Status 204")

    gone = get_contact.sync_detailed(member_id, client=client, account_id=ACCOUNT_ID)
    check(gone.status_code == 404, "the deleted member is gone")
    check(isinstance(gone.parsed, ErrorBody) and gone.parsed.status == 404, "a typed 404")

    print(f"python client against the emulator: import, get, update, list, delete of member {member_id} OK")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
