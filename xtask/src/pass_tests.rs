//! Each pass of `cargo xtask gen`, run alone on progenitor's output for a spec of two
//! operations: what it changes, and that it fails loudly where its target is missing.

use quote::ToTokens;

use crate::operations::OperationFacts;

/// A list with an optional, an array and a constant query parameter, answers that may be
/// empty and nullable lists; an update with a path parameter, a body with a rule, and a
/// 404.
const SPEC: &str = r##"
openapi: 3.0.3
info: {title: mini, version: "1.0"}
x-max-query-length: 2048
servers: [{url: "https://mvc.salesflow.io/api"}]
paths:
  /contacts/list:
    get:
      operationId: listContacts
      summary: List contacts
      x-empty-response: empty-list
      parameters:
        - {name: accountId, in: query, required: true, description: The account., schema: {type: integer, format: int64}, example: 321}
        - {name: updatedFromDate, in: query, required: false, description: Since., schema: {type: string, format: date}, example: "2024-01-02"}
        - {name: customFields, in: query, required: false, description: Fields., schema: {type: array, items: {type: string}}, example: [a]}
        - {name: isForceRequest, in: query, required: true, description: Always true., schema: {type: boolean, enum: [true]}, example: true}
        - {name: firstName, in: query, required: false, description: A name., schema: {type: string, maxLength: 63}, example: Jane}
      responses:
        "200": {description: The contacts., content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Contact"}}}}}
        "204": {description: No contacts.}
        "4XX": {$ref: "#/components/responses/Error"}
  /members/{memberId}:
    post:
      operationId: updateContact
      summary: Update a contact
      parameters:
        - {name: memberId, in: path, required: true, description: The member., schema: {type: integer, format: int64}, example: 7}
        - {name: accountId, in: query, required: true, description: The account., schema: {type: integer, format: int64}, example: 321}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/ContactUpdate"}, example: {occupation: CTO}}}
      responses:
        "200": {description: The contact., content: {application/json: {schema: {$ref: "#/components/schemas/Contact"}}}}
        "4XX": {$ref: "#/components/responses/Error"}
components:
  responses:
    Error: {description: An error., content: {application/json: {schema: {$ref: "#/components/schemas/ErrorBody"}}}}
  schemas:
    Contact:
      type: object
      required: [memberId]
      properties:
        memberId: {type: integer, format: int64}
        occupation: {type: string, nullable: true}
        Tags: {type: array, nullable: true, items: {$ref: "#/components/schemas/Tag"}}
    Tag:
      type: object
      properties:
        name: {type: string}
    ContactUpdate:
      type: object
      properties:
        occupation: {type: string, maxLength: 1023}
    ErrorBody:
      type: object
      properties:
        Status: {type: integer}
        Message: {type: string}
"##;

fn spec() -> openapiv3::OpenAPI {
    serde_yaml_ng::from_str(SPEC).expect("the test spec parses")
}

fn facts() -> Vec<OperationFacts> {
    crate::operations::read(&spec()).expect("facts of the test spec")
}

/// progenitor's client for the test spec, before any pass.
fn client() -> syn::File {
    let spec = crate::generate::without_no_content_answers(spec()).unwrap();
    let tokens = progenitor::Generator::new(&crate::generate::settings(&spec))
        .generate_tokens(&spec)
        .unwrap();
    syn::parse2(tokens).unwrap()
}

fn text(file: &syn::File) -> String {
    file.to_token_stream().to_string().replace(' ', "")
}

#[test]
fn operations_read_the_facts_and_render_the_table() {
    let facts = facts();
    assert_eq!(facts.len(), 2);
    let (list, update) = (&facts[0], &facts[1]);
    assert_eq!(
        list.optional_query,
        ["updatedFromDate", "customFields", "firstName"]
    );
    assert_eq!(list.array_params, ["customFields"]);
    assert_eq!(list.constants.len(), 1, "isForceRequest");
    assert_eq!(update.body_type.as_deref(), Some("ContactUpdate"));
    assert!(
        update
            .rules
            .iter()
            .any(|rule| rule.body && rule.field == "occupation")
    );
    let table = crate::operations::render(&facts).unwrap().to_string();
    assert!(
        table.contains("EmptyResponse :: EmptyList") && table.contains("\"/members/{memberId}\"")
    );
}

#[test]
fn builder_rewrite_leaves_the_request_to_the_pipeline() {
    let mut file = client();
    crate::builder_rewrite::rewrite(&mut file, &facts()).unwrap();
    let text = text(&file);
    for expected in [
        "crate::pipeline::list::collect(self).await",
        "crate::pipeline::response::finish(self).await",
        "pubfnstream(",
        "pubfncheck(&self)",
        "impl<'a>crate::pipeline::call::Call<'a>forUpdateContact<'a>",
        "check_body(&body,&[(\"occupation\",Check::MaxLength(1023usize))])",
        "check(\"firstName\",value,&[Check::MaxLength(63usize)])",
        ".query_optional(\"updatedFromDate\",&updated_from_date)",
        "client.operation_url(\"updateContact\",&format!(\"/members/{}\"",
        "is_force_request:Ok(true)",
    ] {
        assert!(text.contains(expected), "{expected}");
    }
    assert!(text.contains("pub(crate)fnnew_with_client("));
    for gone in [
        "api-version",
        ".exec(",
        ".pre(",
        "response.status()",
        "pubfnnew(baseurl",
    ] {
        assert!(!text.contains(gone), "{gone}");
    }
}

#[test]
fn builder_rewrite_fails_when_a_builder_is_missing() {
    let mut file = client();
    let mut facts = facts();
    facts[0].builder = "ListSomethingElse".to_owned();
    let error = crate::builder_rewrite::rewrite(&mut file, &facts).unwrap_err();
    assert!(error.to_string().contains("ListSomethingElse"), "{error}");
}

#[test]
fn builder_docs_document_every_setter_and_example() {
    let mut file = client();
    let facts = facts();
    crate::builder_rewrite::rewrite(&mut file, &facts).unwrap();
    crate::builder_docs::document(&mut file, &facts).unwrap();
    let text = file.to_token_stream().to_string();
    assert!(text.contains("Always true."), "a setter's description");
    assert!(text.contains("no_run"), "a compiling example");
    let mut renamed = self::facts();
    renamed[1].setter_docs[0].setter = "no_such_setter".to_owned();
    let mut file = client();
    crate::builder_rewrite::rewrite(&mut file, &renamed).unwrap();
    assert!(crate::builder_docs::document(&mut file, &renamed).is_err());
}

#[test]
fn nullable_lists_become_lists_that_read_null_as_empty() {
    let mut file = client();
    let names = crate::nullable_lists::nullable_list_names(&spec()).unwrap();
    assert_eq!(names, ["Tags"]);
    crate::nullable_lists::rewrite(&mut file, &names).unwrap();
    let text = text(&file);
    assert!(text.contains("null_as_empty") && text.contains("pubtags:::std::vec::Vec<"));
    assert!(crate::nullable_lists::rewrite(&mut client(), &["nothing".to_owned()]).is_err());
}

#[test]
fn stable_shape_writes_absent_fields_of_answers_as_null() {
    let mut file = client();
    let bodies = crate::stable_shape::request_bodies(&spec()).unwrap();
    assert_eq!(bodies, ["ContactUpdate"]);
    crate::stable_shape::rewrite(&mut file, &bodies).unwrap();
    let types = text(&file);
    let contact = &types[types.find("pubstructContact{").unwrap()..];
    let contact = &contact[..contact.find('}').unwrap()];
    assert!(!contact.contains("skip_serializing_if"), "{contact}");
    let update = &types[types.find("pubstructContactUpdate{").unwrap()..];
    assert!(update[..update.find('}').unwrap()].contains("skip_serializing_if"));
}

#[test]
fn mock_fixes_match_arrays_element_by_element_and_text_as_str() {
    let spec = crate::generate::without_no_content_answers(spec()).unwrap();
    let tokens = progenitor::Generator::new(&crate::generate::settings(&spec))
        .httpmock(&spec, "salesflow")
        .unwrap();
    let mut file: syn::File = syn::parse2(tokens).unwrap();
    crate::mock_fix::fix_array_query_params(&mut file, &["customFields".to_owned()]).unwrap();
    crate::mock_fix::text_matchers_take_str(&mut file).unwrap();
    let text = text(&file);
    assert!(
        text.contains("value.iter().fold("),
        "one matcher per element"
    );
    assert!(text.contains("Option<&'astr>"), "text matchers take &str");
    assert!(crate::mock_fix::fix_array_query_params(&mut file, &["other".to_owned()]).is_err());
}

#[test]
fn cli_fix_counts_its_edits() {
    let spec = crate::generate::without_no_content_answers(spec()).unwrap();
    let tokens = progenitor::Generator::new(&crate::generate::settings(&spec))
        .cli(&spec, "salesflow")
        .unwrap();
    let file: syn::File = syn::parse2(tokens).unwrap();
    let constants = ["is-force-request".to_owned()];
    let expected = crate::cli_fix::Expected {
        constants: &constants,
        bodies: 1,
        arrays: 1,
    };
    crate::cli_fix::fix(&mut file.clone(), &expected).unwrap();
    let wrong = crate::cli_fix::Expected {
        bodies: 2,
        ..expected
    };
    assert!(crate::cli_fix::fix(&mut file.clone(), &wrong).is_err());
}

#[test]
fn cli_columns_follow_the_spec_order() {
    let tokens = crate::cli_columns::render(&spec(), &facts())
        .unwrap()
        .to_string();
    let member = tokens.find("\"memberId\"").unwrap();
    assert!(member < tokens.find("\"occupation\"").unwrap(), "{tokens}");
}

#[test]
fn constraints_keep_strings_with_rules_as_strings() {
    let (timestamps, constrained) = crate::constraints::constrained_strings(&spec());
    assert!(timestamps.is_empty());
    assert!(!constrained.is_empty(), "maxLength 63 and 1023");
}

#[test]
fn no_content_answers_go_before_progenitor_sees_them() {
    let spec = crate::generate::without_no_content_answers(spec()).unwrap();
    let list = serde_json::to_value(&spec).unwrap();
    let responses = &list["paths"]["/contacts/list"]["get"]["responses"];
    assert!(responses.get("204").is_none() && responses.get("200").is_some());
    let with_content = SPEC.replace(
        r#""204": {description: No contacts.}"#,
        r#""204": {description: No contacts., content: {application/json: {schema: {type: string}}}}"#,
    );
    let spec: openapiv3::OpenAPI = serde_yaml_ng::from_str(&with_content).unwrap();
    assert!(crate::generate::without_no_content_answers(spec).is_err());
}

#[test]
fn mcp_tools_describe_each_operation_and_call_its_builder() {
    let spec = spec();
    let mut file = client();
    crate::builder_rewrite::rewrite(&mut file, &facts()).unwrap();
    crate::struct_builders::rewrite(&mut file).unwrap();
    let tools = crate::mcp_tools::render(&spec, &facts(), &file)
        .unwrap()
        .to_string();
    let compact = tools.replace(' ', "");
    // A list: read-only, paged, its constant parameter left to the builder.
    assert!(compact.contains("name:\"list_contacts\""), "{tools}");
    assert!(
        compact.contains("list:Some(ListItems{status:false})"),
        "{tools}"
    );
    assert!(
        !tools.contains("\"isForceRequest\""),
        "a constant is no argument"
    );
    assert!(compact.contains("arguments.optional::<::std::string::String>(\"firstName\")"));
    assert!(compact.contains("Outcome::page(call.stream(),page)"));
    // A write: dry_run, its body from its fields, its path parameter required.
    assert!(
        compact.contains("letdry_run=arguments.dry_run()?"),
        "{tools}"
    );
    assert!(compact.contains("call.member_id(arguments.required::<i64>(\"memberId\")?)"));
    assert!(compact.contains("arguments.body::<::salesflow::types::ContactUpdate>"));
    // Formats a client does not know are left out of the schemas; `date` is kept.
    assert!(!tools.contains("int64"), "{tools}");
    assert!(tools.contains("\"format\": \"date\""), "{tools}");
}

#[test]
fn mcp_tools_fail_on_a_body_field_named_like_a_parameter() {
    let clash = SPEC.replace(
        "occupation: {type: string, maxLength: 1023}",
        "occupation: {type: string, maxLength: 1023}\n        AccountId: {type: integer}",
    );
    let spec: openapiv3::OpenAPI = serde_yaml_ng::from_str(&clash).unwrap();
    let facts = crate::operations::read(&spec).unwrap();
    let spec_for_client = crate::generate::without_no_content_answers(spec.clone()).unwrap();
    let tokens = progenitor::Generator::new(&crate::generate::settings(&spec_for_client))
        .generate_tokens(&spec_for_client)
        .unwrap();
    let file: syn::File = syn::parse2(tokens).unwrap();
    let error = crate::mcp_tools::render(&spec, &facts, &file).unwrap_err();
    assert!(
        format!("{error:#}").contains("both the argument accountId"),
        "{error:#}"
    );
}
