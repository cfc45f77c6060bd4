"""Validates, with openapi-core (a validator nobody on this project wrote), every answer
salesflow-emulator gives to every operation of spec/salesflow.yaml, in every variant the
spec promises a real server may send, errors included.

Usage: validate_answers.py SPEC EMULATOR_ROOT_URL TOKEN
(run by `cargo xtask spec-check` against an emulator it starts)

The variants are the emulator's: none (the docs' form), omit-nulls, bom, delete-204,
nan-rates, gzip, empty-204 and numeric-enums. `camel-case` is left out: the spec decides
PascalCase keys (its `x-decision`), so a camelCase server is not one it describes. A
byte-order mark comes before the JSON and is not part of what a schema describes: it is
taken off before validation, as the spec's prose says a client does.
"""

import json
import sys
from urllib.parse import urlsplit, urlunsplit

import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

VARIANTS = ["omit-nulls", "bom", "delete-204", "nan-rates", "gzip", "empty-204", "numeric-enums"]
ACCOUNT = 321
CAMPAIGN = 789
MAIN_HOST = "https://mvc.salesflow.io"
STATISTICS_HOST = "https://app.salesflow.io"


def id_of(answer: requests.Response, name: str) -> int:
    """The id `name` of a record answered, its key in any case (0 if there is none)."""
    if not answer.ok or not answer.content:
        return 0
    record = answer.json()
    return next((value for key, value in record.items() if key.lower() == name.lower()), 0)


class Validator:
    def __init__(self, spec_path: str, root: str, token: str) -> None:
        # ProblemDetails is JSON under its own media type, which openapi-core does not read
        # by itself.
        config = Config(
            extra_media_type_deserializers={"application/problem+json": lambda value, **_: json.loads(value)}
        )
        self.openapi = OpenAPI.from_file_path(spec_path, config=config)
        self.root = root.rstrip("/")
        self.token = token
        self.http = requests.Session()
        self.checked = 0
        self.failures: list[str] = []
        self.variant = "docs"

    def call(self, method: str, path: str, params=None, body=None, token=None, expect=None):
        """Calls the emulator's API, validates the answer against the spec, returns it."""
        params = dict(params or {})
        params["token"] = token if token is not None else self.token
        answer = self.http.request(method, f"{self.root}/api{path}", params=params, json=body)
        if expect is not None and answer.status_code != expect:
            self.failures.append(
                f"{self.variant}: {method} {path}: status {answer.status_code}, expected {expect}: {answer.text[:200]}"
            )
        self.validate(answer)
        return answer

    def validate(self, answer: requests.Response) -> None:
        # The spec's own hosts: the emulator's address is not what is checked here.
        prepared = answer.request.copy()
        parts = urlsplit(prepared.url)
        host = STATISTICS_HOST if "GetCampaignStatistics" in parts.path else MAIN_HOST
        scheme, netloc = urlsplit(host)[:2]
        prepared.url = urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))
        # A byte-order mark precedes the JSON, outside what a schema describes.
        if answer.content.startswith(b"\xef\xbb\xbf"):
            answer._content = answer.content[3:]
        try:
            self.openapi.validate_response(
                RequestsOpenAPIRequest(prepared), RequestsOpenAPIResponse(answer)
            )
        except Exception as error:  # openapi-core's validation errors, with their details
            details = "; ".join(str(e) for e in getattr(error, "schema_errors", []) or [error])
            self.failures.append(
                f"{self.variant}: {prepared.method} {parts.path} {answer.status_code}: {type(error).__name__}: {details}"[:600]
            )
        self.checked += 1

    def control(self, path: str, body=None) -> requests.Response:
        return self.http.post(f"{self.root}/__emulator{path}", json=body or {})

    def variants(self, on: dict) -> None:
        answer = self.http.put(f"{self.root}/__emulator/variants", json=on)
        answer.raise_for_status()

    def every_operation(self, round: int) -> None:
        """Each of the 21 operations, with the state they need, and the documented errors."""
        account = {"accountId": ACCOUNT}
        self.call("GET", "/accounts/list", {}, expect=200)
        self.call("GET", "/campaigns/list-campaigns", account, expect=200)
        self.call("GET", "/campaigns/list-campaigns", {**account, "updatedFromDate": "2020-01-01"})
        empty = self.call("GET", "/members/list-contacts", {**account, "campaignId": 790})
        imported = self.call(
            "GET",
            "/members/Import",
            {
                **account,
                "campaignId": CAMPAIGN,
                "linkedInUrl": f"https://www.linkedin.com/in/validate-{self.variant}-{round}",
                "firstName": "Val",
                "lastName": "Idate",
            },
            expect=200,
        )
        member = id_of(imported, "MemberId")
        self.control(f"/members/{member}/connect")
        self.control(f"/members/{member}/reply", {"Text": "Happy to talk"})
        self.call("GET", f"/members/{member}", account, expect=200)
        self.call("GET", "/members", {**account, "publicIdentifier": f"validate-{self.variant}-{round}"})
        self.call(
            "POST", f"/members/{member}", account, body={"occupation": "CTO", "location": "Lisbon"}, expect=200
        )
        self.call("GET", "/members/list-contacts", {**account, "campaignId": CAMPAIGN}, expect=200)
        self.call(
            "POST",
            "/members/list-contacts",
            account,
            body={"PublicIdentifiers": [f"validate-{self.variant}-{round}"], "UpdatedFromDate": "2020-01-01"},
            expect=200,
        )
        self.call("GET", "/members/list-contacts-by-accountid", account, expect=200)
        self.call("GET", "/statistics/GetCampaignStatistics", {**account, "campaignId": CAMPAIGN, "isForceRequest": "true"}, expect=200)
        days = {"from": "2020-01-01", "to": "2030-12-31"}
        self.call("GET", "/analytics/by-campaignid", {**account, "campaignId": CAMPAIGN, **days}, expect=200)
        self.call("GET", "/analytics/by-campaignid", {**account, "campaignId": 790, **days}, expect=200)
        self.call("GET", "/analytics/by-accountid", {**account, **days}, expect=200)
        self.call("GET", "/messaging/incoming-messages-by-accountid", {**account, "from": "2020-01-01"}, expect=200)
        self.call("GET", "/messaging/incoming-messages-by-campaignid", {**account, "campaignId": CAMPAIGN, "from": "2020-01-01"}, expect=200)
        created = self.call(
            "POST",
            "/webhooks/create",
            account,
            body={"Name": "validate", "Url": "https://hooks.example.com/salesflow?secret=abcdefabcdefabcdefabcdefabcdefab"},
            expect=200,
        )
        webhook = id_of(created, "WebhookId")
        attached = self.call(
            "POST", "/webhooks/attach", {**account, "webhookId": webhook, "campaignId": CAMPAIGN, "runOn": 2}, expect=200
        )
        self.call("POST", "/webhooks/attach", {**account, "webhookId": webhook, "campaignId": CAMPAIGN, "runOn": 2}, expect=409)
        self.call("GET", "/webhooks/list", account, expect=200)
        attachment = id_of(attached, "WebhookCampaignId")
        self.call("POST", "/webhooks/detach", {**account, "webhookCampaignId": attachment})
        self.call("DELETE", "/webhooks/delete", {**account, "webhookId": webhook})
        self.call("POST", "/campaigns/start", {**account, "campaignId": 790})
        self.call("POST", "/campaigns/start", {**account, "campaignId": CAMPAIGN})
        self.call("DELETE", f"/members/{member}", account)
        # The documented errors.
        self.call("GET", f"/members/{member}", account)  # gone: 404, or 204 in empty-204
        self.call("GET", "/campaigns/list-campaigns", account, token="not-the-token", expect=403)
        self.call("GET", "/members/list-contacts", {**account, "campaignId": "abc"}, expect=400)
        self.call("GET", "/members/list-contacts", {**account, "campaignId": 999}, expect=404)
        self.call("GET", "/messaging/incoming-messages-by-accountid", {**account, "from": ""}, expect=400)
        self.call("GET", "/members/Import", {**account, "campaignId": CAMPAIGN, "linkedInUrl": "https://www.linkedin.com/in/" + "x" * 2100})
        del empty


def main(spec: str, root: str, token: str) -> None:
    validator = Validator(spec, root, token)
    rounds = [("docs", {})] + [(name, {name: True}) for name in VARIANTS]
    rounds.append(("all promised at once", {name: True for name in VARIANTS}))
    for number, (name, on) in enumerate(rounds):
        validator.variant = name
        validator.variants({**{v: False for v in VARIANTS + ["camel-case"]}, **on})
        validator.every_operation(number)
    validator.variants({v: False for v in VARIANTS})
    print(f"openapi-core {validator.checked} answers in {len(rounds)} variants: {len(validator.failures)} rejected")
    for failure in validator.failures:
        print(f"  {failure}")
    if validator.failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main(*sys.argv[1:])
