"""`salesflow mcp` through the official MCP Python SDK (`mcp` on PyPI), over stdio and over
streamable HTTP, against salesflow-emulator: initialize, list the tools (valid JSON Schema,
annotations), call every read tool, import through `import_leads` twice (exactly once), a
dry run that sends nothing, a write refused by `--read-only`, an error that comes back as a
tool error, the token in no message exchanged, and `query_contacts` over the SQLite file
`salesflow sync` writes. Prints the tool list's size and the
round-trip time of a small call.

Usage: mcp_client.py SALESFLOW_BINARY EMULATOR_API_URL TOKEN WORK_DIR
(run by `cargo xtask spec-check`, through the ignored test
crates/salesflow-cli/tests/cli/mcp_python.rs)
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from contextlib import asynccontextmanager
from pathlib import Path

import httpx2
import jsonschema
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

ACCOUNT_ID = 321
CAMPAIGN_ID = 789
BEARER = "mcp-test-bearer-0123456789abcdef"

# Every tool that reads only, and arguments that make it succeed against the emulator once
# leads are imported ({member} and {identifier} are filled in then).
READ_CALLS = {
    "list_accounts": {},
    "list_campaigns": {"accountId": ACCOUNT_ID},
    "list_contacts_by_campaign": {"accountId": ACCOUNT_ID, "campaignId": CAMPAIGN_ID, "limit": 2},
    "list_contacts_by_account": {"accountId": ACCOUNT_ID, "status": "MEMBER_PENDING"},
    "list_contacts_by_public_identifiers": {
        "accountId": ACCOUNT_ID,
        "publicIdentifiers": ["{identifier}"],
    },
    "get_contact": {"accountId": ACCOUNT_ID, "memberId": "{member}"},
    "get_contact_by_public_identifier": {
        "accountId": ACCOUNT_ID,
        "publicIdentifier": "{identifier}",
    },
    "get_campaign_statistics": {"accountId": ACCOUNT_ID, "campaignId": CAMPAIGN_ID},
    "get_analytics_by_campaign": {
        "accountId": ACCOUNT_ID,
        "campaignId": CAMPAIGN_ID,
        "from": "2024-01-01",
        "to": "2024-12-31",
    },
    "get_analytics_by_account": {"accountId": ACCOUNT_ID, "from": "2024-01-01", "to": "2024-12-31"},
    "list_webhooks": {"accountId": ACCOUNT_ID},
    "list_incoming_messages_by_account": {"accountId": ACCOUNT_ID, "from": "2024-01-01"},
    "list_incoming_messages_by_campaign": {
        "accountId": ACCOUNT_ID,
        "campaignId": CAMPAIGN_ID,
        "from": "2024-01-01",
    },
    "find_contact": {"accountId": ACCOUNT_ID, "linkedInUrl": "https://www.linkedin.com/in/{identifier}/?trk=x"},
    "campaign_report": {"accountId": ACCOUNT_ID, "campaignId": CAMPAIGN_ID},
}



def rows(prefix):
    """Five leads and one invalid row (not a LinkedIn link)."""
    return [
        {"linkedInUrl": f"https://www.linkedin.com/in/{prefix}-{i}", "firstName": f"Lead{i}"}
        for i in range(1, 6)
    ] + [{"linkedInUrl": "https://example.com/not-linkedin"}]


def check(condition, what):
    if not condition:
        raise SystemExit(f"check failed: {what}")


def answer(result):
    """The JSON of a tool result that succeeded."""
    text = result.content[0].text
    check(not result.is_error, f"a tool error: {text}")
    return json.loads(text)


def error_text(result):
    check(result.is_error, f"expected a tool error, got {result.content[0].text[:200]}")
    text = result.content[0].text
    check("\n" not in text, f"a tool error is one line: {text!r}")
    return text


def token_forms(token):
    return {token, urllib.parse.quote(token, safe=""), urllib.parse.quote_plus(token)}


async def check_tools(session, read_only):
    tools = (await session.list_tools()).tools
    names = {tool.name for tool in tools}
    for tool in tools:
        schema = tool.input_schema
        jsonschema.Draft202012Validator.check_schema(schema)
        check(schema.get("type") == "object", f"{tool.name}: root type object")
        check("token" not in json.dumps(schema).lower().replace("tokens", ""), f"{tool.name}: no token argument")
        hints = tool.annotations
        check(hints is not None and hints.read_only_hint is not None, f"{tool.name}: annotations")
    by_name = {tool.name: tool for tool in tools}
    if read_only:
        check(all(tool.annotations.read_only_hint for tool in tools), "--read-only offers reads only")
        check("update_contact" not in names and "import_leads" not in names, "no write tool")
        return by_name
    for name in READ_CALLS:
        check(name in names, f"tool {name} is offered")
        check(by_name[name].annotations.read_only_hint, f"{name} is read-only")
    for name in ["delete_contact", "delete_webhook", "detach_webhook"]:
        check(by_name[name].annotations.destructive_hint, f"{name} is destructive")
    importer = by_name["import_member"].annotations
    check(not importer.read_only_hint and not importer.idempotent_hint, "import_member writes, once")
    check(not by_name["create_webhook"].annotations.destructive_hint, "create_webhook adds")
    for name, tool in by_name.items():
        if not tool.annotations.read_only_hint:
            check("dry_run" in tool.input_schema["properties"], f"{name} takes dry_run")
    lists = by_name["list_contacts_by_campaign"].input_schema["properties"]
    check({"limit", "offset", "text", "status"} <= set(lists), "a list takes limit, offset and filters")
    return by_name


async def exercise(session, prefix, read_only=False):
    init = session._initialize_result  # noqa: SLF001 (what the server answered)
    check(init.server_info.name == "salesflow", f"server name {init.server_info.name}")
    await check_tools(session, read_only)

    if read_only:
        refused = await session.call_tool(
            "update_contact", {"accountId": ACCOUNT_ID, "memberId": 1, "occupation": "CTO"}
        )
        text = error_text(refused)
        check("--read-only" in text, f"the refusal says why: {text}")
        listed = answer(await session.call_tool("list_campaigns", {"accountId": ACCOUNT_ID}))
        check(listed["total"] == 2, f"reads still work: {listed}")
        return {}

    # import_leads twice: the second call sends nothing again.
    arguments = {"accountId": ACCOUNT_ID, "campaignId": CAMPAIGN_ID, "rows": rows(prefix)}
    dry = answer(await session.call_tool("import_leads", {**arguments, "dry_run": True}))
    check(dry["would_import"] == 5 and dry["imported"] == 0, f"a dry run imports nothing: {dry}")
    first = answer(await session.call_tool("import_leads", arguments))
    check(first["imported"] == 5 and first["invalid"] == 1, f"first import: {first}")
    check(first["needs_attention"][0]["row"] == 6, f"the invalid row is named: {first}")
    again = answer(await session.call_tool("import_leads", arguments))
    check(again["imported"] == 5 and again["requests"] == 0, f"second import sends nothing: {again}")
    check(again["done_earlier"] >= 5, f"second import: rows settled earlier: {again}")
    members = answer(
        await session.call_tool(
            "list_contacts_by_campaign",
            {"accountId": ACCOUNT_ID, "campaignId": CAMPAIGN_ID, "text": prefix, "limit": 100},
        )
    )
    check(members["total"] == 5, f"five members, each once: {members}")
    member = members["items"][0]["MemberId"]
    identifier = f"{prefix}-1"

    # Every read tool.
    for name, template in READ_CALLS.items():
        arguments = json.loads(
            json.dumps(template).replace('"{member}"', str(member)).replace("{identifier}", identifier)
        )
        result = await session.call_tool(name, arguments)
        value = answer(result)
        check(value is not None, f"{name} answered")
        if "total" in value:
            check(len(json.dumps(value)) <= 24_000, f"{name}: a page within the bound")
    found = answer(await session.call_tool("find_contact", READ_CALLS["find_contact"] | {"linkedInUrl": f"linkedin.com/in/{identifier.upper()}"}))
    check(found["found"], f"find_contact by another spelling of the link: {found}")
    page = answer(
        await session.call_tool(
            "list_contacts_by_campaign",
            {"accountId": ACCOUNT_ID, "campaignId": CAMPAIGN_ID, "text": prefix, "limit": 2, "offset": 2},
        )
    )
    check(page["count"] == 2 and page["next_offset"] == 4 and page["total"] == 5, f"a page: {page}")

    # A dry run of a write sends nothing.
    before = answer(await session.call_tool("get_contact", {"accountId": ACCOUNT_ID, "memberId": member}))
    dry = answer(
        await session.call_tool(
            "update_contact",
            {"accountId": ACCOUNT_ID, "memberId": member, "occupation": "Changed by a dry run", "dry_run": True},
        )
    )
    check(dry["dry_run"] is True and dry["sent"] is False, f"dry run: {dry}")
    after = answer(await session.call_tool("get_contact", {"accountId": ACCOUNT_ID, "memberId": member}))
    check(before == after, "the dry run changed nothing")
    updated = answer(
        await session.call_tool("update_contact", {"accountId": ACCOUNT_ID, "memberId": member, "occupation": "CTO"})
    )
    check(updated["Occupation"] == "CTO", f"a real update: {updated}")

    # Errors come back as tool errors, one line, with what to do.
    missing = error_text(await session.call_tool("get_contact", {"accountId": ACCOUNT_ID, "memberId": 999999999}))
    check(missing.startswith("get_contact: not found"), missing)
    unknown = error_text(await session.call_tool("list_campaigns", {"accountId": ACCOUNT_ID, "campaing": 1}))
    check("unknown argument `campaing`" in unknown, unknown)
    too_long = error_text(
        await session.call_tool("update_contact", {"accountId": ACCOUNT_ID, "memberId": member, "firstName": "x" * 100})
    )
    check("firstName" in too_long and "nothing was sent" in too_long, too_long)
    refused = await session.call_tool("list_campaigns", {"accountId": 555})
    check(refused.is_error, "an account the token cannot use is a tool error")

    # Round trips of a small call.
    times = []
    for _ in range(30):
        started = time.perf_counter()
        await session.call_tool("list_campaigns", {"accountId": ACCOUNT_ID})
        times.append(time.perf_counter() - started)
    return {"round_trip_ms": statistics.median(times) * 1000}


@asynccontextmanager
async def stdio_session(binary, env, extra, log_dir, name):
    # The server's standard input and output are copied to files: every byte exchanged.
    sent, received = log_dir / f"{name}.in", log_dir / f"{name}.out"
    command = f'tee -a "{sent}" | "{binary}" mcp {" ".join(extra)} | tee -a "{received}"'
    params = StdioServerParameters(command="sh", args=["-c", command], env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            yield session, [sent, received]


@asynccontextmanager
async def http_session(binary, env, extra, log_dir, name):
    process = subprocess.Popen(
        [binary, "mcp", "--http", "127.0.0.1:0", *extra],
        env={**os.environ, **env, "SALESFLOW_MCP_BEARER_TOKEN": BEARER},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        check("serving http://" in line, f"the server says where it listens: {line!r}")
        url = line.split("serving ")[1].split()[0]
        async with httpx2.AsyncClient() as bare:
            refused = await bare.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
            check(refused.status_code == 401, f"no bearer token: {refused.status_code}")
        exchanged = log_dir / f"{name}.http"

        async def on_request(request):
            with exchanged.open("ab") as log:
                log.write(str(request.url).encode())
                log.write(request.content or b"")

        async def on_response(response):
            if response.request.method == "POST":
                await response.aread()
                with exchanged.open("ab") as log:
                    log.write(response.content)

        client = httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {BEARER}"},
            timeout=httpx2.Timeout(30, read=300),
            event_hooks={"request": [on_request], "response": [on_response]},
        )
        async with client:
            async with streamable_http_client(url, http_client=client) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    yield session, [exchanged]
    finally:
        process.terminate()
        process.wait(timeout=10)


async def main(binary, base_url, token, work_dir):
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    env = {
        "SALESFLOW_TOKEN": token,
        "SALESFLOW_BASE_URL": base_url,
        "PATH": os.environ.get("PATH", ""),
    }
    results = {}
    for transport, opener in [("stdio", stdio_session), ("http", http_session)]:
        # Each transport imports into a fresh journal folder, so each shows exactly once.
        state = ["--state-dir", str(work / f"state-{transport}")]
        logs = []
        async with opener(binary, env, state, work, transport) as (session, files):
            measured = await exercise(session, f"mcp-{transport}")
            logs += files
        async with opener(binary, env, ["--read-only", *state], work, f"{transport}-ro") as (session, files):
            await exercise(session, f"mcp-{transport}", read_only=True)
            logs += files
        exchanged = b"".join(Path(f).read_bytes() for f in logs if Path(f).exists())
        check(len(exchanged) > 10_000, f"{transport}: the messages were recorded ({len(exchanged)} bytes)")
        for form in token_forms(token):
            check(form.encode() not in exchanged, f"{transport}: the token is in a message")
        results[transport] = measured
        print(f"{transport}: every check passed; {len(exchanged)} bytes exchanged, no token in them")

    # query_contacts, over the SQLite file `salesflow sync` writes of the imported leads.
    database = work / "contacts.sqlite"
    subprocess.run(
        [binary, "sync", "contacts", "--account-id", str(ACCOUNT_ID), "--state", str(work / "sync.json"), "--out", str(database)],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    before = database.read_bytes()
    async with stdio_session(binary, env, ["--read-only", "--sqlite", str(database)], work, "sqlite") as (session, files):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        check(tools["query_contacts"].annotations.read_only_hint, "query_contacts reads only")
        counted = answer(
            await session.call_tool("query_contacts", {"sql": "SELECT count(*) AS n FROM contacts WHERE deleted_at IS NULL"})
        )
        check(counted["rows"][0]["n"] == 10, f"the ten imported leads: {counted}")
        refused = error_text(await session.call_tool("query_contacts", {"sql": "DELETE FROM contacts"}))
        check(refused.startswith("argument `sql`"), refused)
    check(database.read_bytes() == before, "query_contacts changed the database")
    print("query_contacts: every check passed")

    for flags, label in [([], "all tools"), (["--read-only"], "--read-only")]:
        listed = subprocess.run([binary, "mcp", "--list-tools", *flags], capture_output=True, check=True, text=True)
        tools = json.loads(listed.stdout)["tools"]
        compact = json.dumps(tools, separators=(",", ":"))
        print(f"tool list ({label}): {len(tools)} tools, {len(compact)} bytes of JSON")
    for transport, measured in results.items():
        print(f"round trip of list_campaigns over {transport}: {measured['round_trip_ms']:.2f} ms (median of 30)")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
