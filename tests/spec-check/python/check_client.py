"""Calls three operations through a client openapi-python-client generated from
spec/salesflow.yaml, against Prism, and checks the typed values.

Usage: check_client.py PRISM_URL   (run by `cargo xtask spec-check`)
"""

import sys

from salesflow_api_client import Client
from salesflow_api_client.api.campaigns import list_campaigns, start_campaign
from salesflow_api_client.api.contacts import get_contact
from salesflow_api_client.models import Campaign, Contact, StatusMessage

ACCOUNT_ID = 321


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"check failed: {what}")


def main(base_url: str) -> None:
    # The token travels in the query string (security scheme `apiToken`).
    client = Client(
        base_url=base_url,
        raise_on_unexpected_status=True,
        httpx_args={"params": {"token": "python-check-token"}},
    )

    campaigns = list_campaigns.sync(client=client, account_id=ACCOUNT_ID)
    check(campaigns is not None and len(campaigns) == 2, "listCampaigns returns two campaigns")
    first, second = campaigns
    check(isinstance(first, Campaign), "campaigns are typed")
    check(first.campaign_id == 29854 and first.campaign_name == "Sales", "first campaign")
    check(first.status == "CAMPAIGN_RUNNING", "campaign status")
    check(first.last_modified_at is None, "a null LastModifiedAt")
    check(second.last_modified_at == "2024-07-16T06:59:05.62", "a timestamp without offset")

    contact = get_contact.sync(46875434, client=client, account_id=ACCOUNT_ID)
    check(isinstance(contact, Contact), "getContact is typed")
    check(contact.member_id == 46875434, "member id")
    check(contact.first_name == "John" and contact.last_name == "Doe", "name")
    check(contact.status == "MEMBER_PENDING, MEMBER_ERROR", "status flags as text")
    check(contact.campaign_id == 10 and contact.campaign_name == "Sale lead", "campaign")
    check(contact.last_modified_at is None, "a null LastModifiedAt")

    started = start_campaign.sync_detailed(client=client, campaign_id=456, account_id=ACCOUNT_ID)
    check(started.status_code == 200, "startCampaign answers 200")
    check(isinstance(started.parsed, StatusMessage), "startCampaign is typed")
    check(started.parsed.status == 200, "Status 200 in the body")
    check(started.parsed.message == "Campaign has been started.", "message")

    print("python client: listCampaigns, getContact, startCampaign OK")


if __name__ == "__main__":
    main(sys.argv[1])
