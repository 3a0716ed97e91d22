using System.Net;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

public sealed class OpenApiSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly HttpClient _http = host.Http;

    [Fact]
    public async Task Should_publish_an_OpenAPI_document_that_lists_every_endpoint_by_name()
    {
        using var response = await _http.GetAsync("/openapi/v1.json");

        var document = await Expect(response, HttpStatusCode.OK);
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op =>
                (Route: $"{op.Name.ToUpperInvariant()} {path.Name}", Id: op.Value.GetProperty("operationId").GetString(), Summary: op.Value.GetProperty("summary").GetString())))
            .ToList();
        string[] contract =
        [
            "GET /accounts", "GET /accounts/{id}", "GET /accounts/{id}/events", "GET /accounts/{id}/transactions",
            "GET /accounts/{id}/transfers", "GET /admin/integrity", "GET /admin/projections", "GET /transfers/{id}",
            "POST /accounts", "POST /accounts/{id}/close", "POST /accounts/{id}/deposits",
            "POST /accounts/{id}/withdrawals", "POST /admin/projections/{name}/rebuild", "POST /transfers",
        ];
        var documented = operations.Select(o => o.Route).ToHashSet();
        Assert.All(contract, route => Assert.Contains(route, documented));
        Assert.All(operations, o => Assert.False(string.IsNullOrEmpty(o.Id) || string.IsNullOrEmpty(o.Summary), o.Route));
    }

    [Fact]
    public async Task Should_document_request_bodies_with_amounts_as_decimal_numbers()
    {
        using var response = await _http.GetAsync("/openapi/v1.json");

        var document = await Expect(response, HttpStatusCode.OK);
        var deposit = document.GetProperty("paths").GetProperty("/accounts/{id}/deposits").GetProperty("post");
        var amount = deposit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("properties").GetProperty("amount");
        Assert.Equal("number", amount.GetProperty("type").GetString());
        Assert.Equal("decimal", amount.GetProperty("format").GetString());
        Assert.Contains(deposit.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Contains("5 s", document.GetProperty("paths").GetProperty("/accounts/{id}").GetProperty("get").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Should_state_the_limits_the_rules_enforce_in_parameter_and_property_descriptions()
    {
        using var response = await _http.GetAsync("/openapi/v1.json");

        var document = await Expect(response, HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        var open = BodyProperties(document, paths.GetProperty("/accounts").GetProperty("post"));
        var deposit = BodyProperties(document, paths.GetProperty("/accounts/{id}/deposits").GetProperty("post"));
        var transactions = paths.GetProperty("/accounts/{id}/transactions").GetProperty("get").GetProperty("parameters").EnumerateArray();
        Assert.Contains($"1 to {Domain.Account.MaxOwnerLength} characters", open.GetProperty("owner").GetProperty("description").GetString());
        Assert.Contains(FormattableString.Invariant($"at most {Domain.Money.MaxOperationAmount:N0},"), deposit.GetProperty("amount").GetProperty("description").GetString());
        Assert.Contains($"at most {Domain.Account.MaxReferenceLength} characters", deposit.GetProperty("reference").GetProperty("description").GetString());
        Assert.Contains(transactions, p => p.GetProperty("name").GetString() == "limit"
            && p.GetProperty("description").GetString() == $"Entries per page, 1 to {Endpoints.AccountsEndpoints.MaxPageSize} (default {Endpoints.AccountsEndpoints.DefaultPageSize}).");
        Assert.Contains(paths.GetProperty("/accounts").GetProperty("get").GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "limit"
            && p.GetProperty("description").GetString() == $"Accounts at most, 1 to {Endpoints.AccountsEndpoints.MaxPageSize} (default {Endpoints.AccountsEndpoints.DefaultPageSize}).");
    }

    private static System.Text.Json.JsonElement BodyProperties(System.Text.Json.JsonElement document, System.Text.Json.JsonElement operation)
    {
        var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        }
        return schema.GetProperty("properties");
    }

    [Fact]
    public async Task Should_declare_the_bearer_token_scheme_and_require_it_for_every_operation()
    {
        using var response = await _http.GetAsync("/openapi/v1.json");

        var document = await Expect(response, HttpStatusCode.OK);
        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer", "JWT"),
            (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString(), bearer.GetProperty("bearerFormat").GetString()));
        var requirement = Assert.Single(document.GetProperty("security").EnumerateArray());
        Assert.True(requirement.TryGetProperty("Bearer", out _), requirement.GetRawText());
    }

    [Fact]
    public async Task Should_serve_the_interactive_Scalar_reference()
    {
        using var response = await _http.GetAsync("/scalar");

        await Expect(response, HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_answer_problem_details_for_an_unknown_route()
    {
        using var response = await _http.GetAsync("/no-such-route");

        await ExpectProblem(response, HttpStatusCode.NotFound);
    }
}
