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
