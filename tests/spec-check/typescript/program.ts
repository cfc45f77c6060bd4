// Type-checks (tsc --noEmit, strict) against types openapi-typescript generates from
// spec/salesflow.yaml: requests for three operations, and three typed responses read with
// every null and every left-out field handled (only ids are required: an ASP.NET server may
// leave nulls out). Nothing here runs; the compiler is the test.
import type { components, operations } from "../generated/salesflow";

type Schemas = components["schemas"];
type Query<Op extends keyof operations> = operations[Op]["parameters"]["query"];
type Body<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : never;
type Ok<Op extends keyof operations> = operations[Op]["responses"][200]["content"]["application/json"];

// Requests.
const listCampaigns: Query<"listCampaigns"> = {
  accountId: 321,
  updatedFromDate: "2024-07-16T05:00:00",
};

const update: { path: operations["updateContact"]["parameters"]["path"]; query: Query<"updateContact">; body: Body<"updateContact"> } = {
  path: { memberId: 46875434 },
  query: { accountId: 321 },
  body: { firstName: "John", lastName: "Doe", phone: "1555123458" },
};

const webhook: Body<"createWebhook"> = {
  Name: "CRM sync",
  Url: "https://hooks.example.com/salesflow?secret=abc",
  DisableForMutedContacts: true,
};

const attach: Query<"attachWebhook"> = { accountId: 321, webhookId: 456, campaignId: 789, runOn: 2 };

export function url(base: string, path: string, query: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) search.append(key, String(value));
  }
  return `${base}${path}?${search.toString()}`;
}

export const requests = [
  url("https://mvc.salesflow.io/api", "/campaigns/list-campaigns", listCampaigns),
  url("https://mvc.salesflow.io/api", `/members/${update.path.memberId}`, update.query),
  JSON.stringify(update.body),
  JSON.stringify(webhook),
  url("https://mvc.salesflow.io/api", "/webhooks/attach", attach),
];

// Responses.
export function campaignNames(campaigns: Ok<"listCampaigns">): string[] {
  return campaigns.map((campaign: Schemas["Campaign"]) => {
    const changed: string = campaign.LastModifiedAt ?? "never";
    return `${campaign.CampaignId} ${campaign.CampaignName} ${campaign.Status} (changed ${changed})`;
  });
}

export function contactLine(contact: Ok<"getContact">): string {
  const name = [contact.FirstName, contact.LastName]
    .filter((part): part is string => part !== null && part !== undefined)
    .join(" ");
  const campaign: number | null | undefined = contact.CampaignId;
  // A .NET enum may come as its number (a member status as its bits).
  const status: string | number = contact.Status ?? "MEMBER_NOT_SET";
  return `${contact.MemberId} ${name} ${status} in ${campaign ?? "no campaign"}`;
}

export function attachments(webhooks: Ok<"listWebhooks">): Array<[number, number | null, number | null]> {
  return webhooks.flatMap((hook: Schemas["Webhook"]) =>
    // A list sent as null or left out is empty.
    (hook.AttachedWebhookCampaigns ?? []).map(
      (a: Schemas["WebhookCampaign"]): [number, number | null, number | null] => [
        a.WebhookCampaignId,
        a.CampaignId ?? null,
        a.RunOn ?? null,
      ],
    ),
  );
}

export function started(outcome: Ok<"startCampaign">, conflict: operations["startCampaign"]["responses"][409]["content"]["application/json"]): string {
  return `${outcome.Status}: ${outcome.Message ?? ""} / ${conflict.Status}: ${conflict.Message ?? ""}`;
}

export function event(payload: Schemas["WebhookEvent"]): string {
  const custom: Array<string | null | undefined> = [payload.Custom1, payload.Custom10];
  return `${payload.IntegrationRunOn} ${payload.MemberId} ${payload.LinkedInAccount?.Username ?? ""} ${custom.length}`;
}
