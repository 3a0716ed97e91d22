using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankAccounts.Domain.Security;
using Xunit.Sdk;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>
/// Walks the API's own OpenAPI document as the API page's "Test Request" does: every command, sent with the
/// document's example, must succeed; every documented header must be honoured; every read, built from the
/// documented parameter types, must be answered. An operation added later is walked without a line here, and
/// fails until its document says enough to call it. Ids in routes and bodies are placeholders, filled with a
/// fresh account (or transfer) of the caller's own, as a reader of the page would.
/// </summary>
public sealed class ApiDocumentWalkSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    /// <summary>
    /// Headers whose honouring is checked: the first two by this walk, Last-Event-ID by <see cref="LiveEventsSpecs"/>
    /// (resume after a forced disconnect under concurrent writes, header against <c>from</c>).
    /// </summary>
    private static readonly string[] HeadersTheWalkChecks = ["Idempotency-Key", "If-Match", "Last-Event-ID"];

    private readonly AccountsClient _customer = host.Accounts;
    private readonly HttpClient _admin = host.ClientFor(Role.Admin, "walk-admin");

    [Fact]
    public async Task Should_accept_every_command_sent_with_the_example_its_document_gives()
    {
        var commands = (await OperationsAsync()).Where(o => o.Method == "POST").ToList();

        Assert.NotEmpty(commands);
        foreach (var command in commands)
        {
            var call = await PrepareAsync(command);
            using var response = await SendAsync(call);
            await ExpectSuccess(response, command);
        }
    }

    [Fact]
    public async Task Should_answer_a_replay_with_the_same_Idempotency_Key_as_the_first_time_and_change_nothing()
    {
        var commands = (await OperationsAsync()).Where(o => o.Documents("Idempotency-Key")).ToList();

        Assert.Contains(commands, c => c.Path == "/accounts");
        Assert.Contains(commands, c => c.Path == "/transfers");
        foreach (var command in commands)
        {
            var call = await PrepareAsync(command);
            var key = "walk-" + Guid.NewGuid().ToString("N");
            using var first = await SendAsync(call, idempotencyKey: key);
            var firstBody = await ExpectSuccess(first, command);
            var eventsAfterFirst = call.AccountId is null ? 0 : await _customer.EventCount(call.AccountId);

            using var replay = await SendAsync(call, idempotencyKey: key);
            var replayBody = await ExpectSuccess(replay, command);

            Assert.True(first.StatusCode == replay.StatusCode, $"{command}: {(int)first.StatusCode}, then {(int)replay.StatusCode} on the replay");
            if (first.Headers.Location is { } location)
            {
                Assert.Equal(location, replay.Headers.Location);
            }
            else
            {
                Assert.Equal(firstBody, replayBody);
            }
            if (call.AccountId is not null)
            {
                Assert.Equal(eventsAfterFirst, await _customer.EventCount(call.AccountId));
            }
        }
    }

    [Fact]
    public async Task Should_refuse_a_stale_If_Match_with_412_and_apply_a_current_one_wherever_it_is_documented()
    {
        var commands = (await OperationsAsync()).Where(o => o.Documents("If-Match")).ToList();

        Assert.Contains(commands, c => c.Path == "/accounts/{id}/deposits");
        Assert.DoesNotContain(commands, c => c.Path == "/transfers");
        foreach (var command in commands)
        {
            var call = await PrepareAsync(command);
            using var stale = await SendAsync(call, ifMatch: "\"999\"");
            await ExpectProblem(stale, HttpStatusCode.PreconditionFailed);

            using var current = await SendAsync(call, ifMatch: call.ETag);
            await ExpectSuccess(current, command);
        }
    }

    [Fact]
    public async Task Should_document_only_headers_the_server_is_checked_to_honour()
    {
        var headers = (await OperationsAsync())
            .SelectMany(o => o.Parameters.Where(p => p.In == "header").Select(p => (Operation: o, p.Name)))
            .ToList();

        Assert.NotEmpty(headers);
        Assert.All(headers, h => Assert.True(HeadersTheWalkChecks.Contains(h.Name), $"{h.Operation} documents the header {h.Name}: teach this walk to check it"));
    }

    [Fact]
    public async Task Should_answer_every_read_built_from_the_documented_parameter_types()
    {
        var reads = (await OperationsAsync()).Where(o => o.Method == "GET").ToList();

        Assert.NotEmpty(reads);
        foreach (var read in reads)
        {
            var call = await PrepareAsync(read);
            // Required values, and optional ones the document gives an example of (some optional ones exclude each other).
            var query = read.Parameters.Where(p => p.In == "query" && (p.Required || p.Example is not null))
                .Select(p => (p.Name, Value: ValueFor(read, p)))
                .Where(p => p.Value is not null)
                .Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value!)}");
            using var request = new HttpRequestMessage(HttpMethod.Get, call.Path + "?" + string.Join('&', query));
            // Headers only: a stream (server-sent events) answers its status at once and never ends.
            using var response = await call.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

            if (read.Path.Contains("/parked/{persistenceId}", StringComparison.Ordinal))
            {
                await ExpectSuccess(response, read);
                continue;
            }
            Assert.True(response.IsSuccessStatusCode,
                $"{read} as {request.RequestUri} answered {(int)response.StatusCode}: {(response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync())}");
        }
    }

    [Fact]
    public async Task Should_type_ids_as_uuids_counts_as_integers_and_closed_strings_as_enums()
    {
        var document = await DocumentAsync();
        var operations = Operations(document);
        var parameters = operations.SelectMany(o => o.Parameters.Select(p => (Operation: o, Parameter: p))).ToList();

        Assert.All(parameters.Where(p => p.Parameter.Name == "id"), p => Assert.Equal(("string", "uuid"), p.Parameter.TypeAndFormat));
        Assert.All(parameters.Where(p => p.Parameter.Name is "limit" or "after" or "from" or "minVersion" && p.Parameter.Example is null),
            p => Assert.Equal(("integer", "int64"), p.Parameter.TypeAndFormat));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal(["pending", "completed", "failed", "stuck"], EnumOf(schemas.GetProperty("TransferResponse").GetProperty("properties").GetProperty("status")));
        var openAccount = operations.Single(o => o is { Method: "POST", Path: "/accounts" });
        Assert.Contains("EUR", EnumOf(openAccount.BodySchema!.Value.GetProperty("properties").GetProperty("currency")));
        Assert.DoesNotContain("XXX", EnumOf(openAccount.BodySchema!.Value.GetProperty("properties").GetProperty("currency")));
    }

    [Fact]
    public async Task Should_show_accounts_first_then_transfers_admin_and_cluster()
    {
        var document = await DocumentAsync();

        var tags = document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Accounts", "Transfers", "Live", "Admin", "Cluster"], tags.Where(t => t is "Accounts" or "Transfers" or "Live" or "Admin" or "Cluster"));
        Assert.Equal("POST /accounts", Operations(document).First().ToString());
    }

    [Fact]
    public async Task Should_send_a_browser_at_the_root_to_the_API_page()
    {
        using var anonymous = host.ClientWith(null);

        using var response = await anonymous.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the client follows the redirect
        Assert.Equal("/scalar", response.RequestMessage!.RequestUri!.AbsolutePath.TrimEnd('/'));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A request the walk can send: who sends it, where, with what body, and the account it acts on.</summary>
    private sealed record Call(HttpClient Client, string Method, string Path, string? Body, string? AccountId, string ETag);

    /// <summary>
    /// Fills the operation's route values (an enum's first value, or a fresh account or transfer for an <c>id</c>) and
    /// its example body (account ids in it become fresh accounts), for a caller whose role may call it.
    /// </summary>
    private async Task<Call> PrepareAsync(Operation operation)
    {
        var client = operation.Path.StartsWith("/admin", StringComparison.Ordinal) || operation.Path.StartsWith("/cluster", StringComparison.Ordinal)
                || operation.Path.StartsWith("/events", StringComparison.Ordinal)
            ? _admin
            : _customer.Http;
        string? accountId = null;
        var etag = "\"0\""; // a command that opens an account expects it at version 0: not opened yet
        var path = operation.Path;
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            string value;
            if (parameter.Enum.FirstOrDefault() is { } first)
            {
                value = first;
            }
            else if (parameter.Name == "id" && path.StartsWith("/accounts/", StringComparison.Ordinal))
            {
                (accountId, etag) = await FreshAccountAsync();
                value = accountId;
            }
            else if (parameter.Name == "persistenceId")
            {
                (accountId, etag) = await FreshAccountAsync();
                value = "account-" + accountId;
            }
            else if (parameter.Name == "id" && path.StartsWith("/transfers/", StringComparison.Ordinal))
            {
                value = await FreshTransferAsync();
            }
            else
            {
                throw new XunitException($"{operation}: the walk cannot fill the route value '{parameter.Name}'; document it as an enum, or teach the walk which resource it names");
            }
            path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        string? body = null;
        if (operation.Example is { } example)
        {
            var node = JsonNode.Parse(example.GetRawText())!;
            if (node is JsonObject properties)
            {
                foreach (var name in properties.Select(p => p.Key).Where(k => k.EndsWith("AccountId", StringComparison.Ordinal)).ToList())
                {
                    properties[name] = (await FreshAccountAsync()).Id;
                }
            }
            body = node.ToJsonString();
        }
        else if (operation.BodyRequired)
        {
            Assert.Fail($"{operation}: its request body has no example, so the API page's Test Request would send placeholders");
        }
        return new Call(client, operation.Method, path, body, accountId, etag);
    }

    /// <summary>
    /// An account of the walk's customer, in euros, opened by a teller with an overdraft (so any example
    /// withdrawal or transfer is covered) and at zero balance (so it can be closed), already in the read model.
    /// </summary>
    private async Task<(string Id, string ETag)> FreshAccountAsync()
    {
        using var response = await _customer.AsTeller.Post("/accounts",
            $$"""{ "owner": "Ada Lovelace", "currency": "EUR", "overdraftLimit": 1000, "customerId": "{{ApiTestHost.CustomerSubject}}" }""");
        var opened = await Expect(response, HttpStatusCode.Created);
        var id = opened.GetProperty("accountId").GetString()!;
        await _customer.Get(id, opened.GetProperty("version").GetInt64());
        return (id, ETag(response)!);
    }

    private async Task<string> FreshTransferAsync()
    {
        var (from, _) = await FreshAccountAsync();
        var (to, _) = await FreshAccountAsync();
        using var response = await _customer.Post("/transfers", $$"""{ "fromAccountId": "{{from}}", "toAccountId": "{{to}}", "amount": 1 }""");
        var transfer = await Expect(response, HttpStatusCode.Accepted);
        return transfer.GetProperty("transferId").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(Call call, string? idempotencyKey = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path)
        {
            Content = call.Body is null ? null : Json(call.Body),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await call.Client.SendAsync(request);
    }

    private static async Task<string> ExpectSuccess(HttpResponseMessage response, Operation operation)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (operation.Path.Contains("/parked/{persistenceId}", StringComparison.Ordinal))
        {
            // A healthy stream has nothing parked (parking needs an injected fault: ParkedEventsSpecs): the
            // example reaches the handler, which answers the documented 404, not a 400.
            Assert.True(response.StatusCode == HttpStatusCode.NotFound && text.Contains("parked-stream-not-found", StringComparison.Ordinal),
                $"{operation} answered {(int)response.StatusCode}: {text}");
            return text;
        }
        Assert.True(response.IsSuccessStatusCode, $"{operation} answered {(int)response.StatusCode}: {text}");
        return text;
    }

    /// <summary>A value of the documented type (its example, enum, or minimum), or null for an optional free string.</summary>
    private static string? ValueFor(Operation operation, Parameter parameter)
    {
        if (parameter.Example is { } example)
        {
            return example;
        }
        if (parameter.Enum.FirstOrDefault() is { } first)
        {
            return first;
        }
        return parameter.TypeAndFormat switch
        {
            ("integer", _) => parameter.Minimum ?? "1",
            ("string", "date-time") => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ("boolean", _) => "true",
            _ when !parameter.Required => null,
            _ => throw new XunitException(
                $"{operation}: the required query value '{parameter.Name}' is a free string without an example; document its type or an example"),
        };
    }

    private static IReadOnlyList<string?> EnumOf(JsonElement schema) =>
        [.. schema.GetProperty("enum").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString())];

    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await _customer.Http.GetAsync("/openapi/v1.json");
        return await Expect(response, HttpStatusCode.OK);
    }

    private async Task<IReadOnlyList<Operation>> OperationsAsync() => Operations(await DocumentAsync());

    private static IReadOnlyList<Operation> Operations(JsonElement document) =>
        [.. document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => new Operation(op.Name.ToUpperInvariant(), path.Name, op.Value)))];

    private sealed record Operation(string Method, string Path, JsonElement Spec)
    {
        public IReadOnlyList<Parameter> Parameters =>
            Spec.TryGetProperty("parameters", out var parameters) ? [.. parameters.EnumerateArray().Select(p => new Parameter(p))] : [];

        public bool Documents(string header) => Parameters.Any(p => p.In == "header" && p.Name == header);

        private JsonElement? Json =>
            Spec.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out var json) ? json : null;

        public bool BodyRequired => Spec.TryGetProperty("requestBody", out var body) && body.TryGetProperty("required", out var required) && required.GetBoolean();

        public JsonElement? Example => Json is { } json && json.TryGetProperty("example", out var example) ? example : null;

        public JsonElement? BodySchema => Json?.GetProperty("schema");

        public override string ToString() => $"{Method} {Path}";
    }

    private sealed record Parameter(JsonElement Spec)
    {
        public string Name => Spec.GetProperty("name").GetString()!;

        public string In => Spec.GetProperty("in").GetString()!;

        public bool Required => Spec.TryGetProperty("required", out var required) && required.GetBoolean();

        public string? Example => Spec.TryGetProperty("example", out var example) ? example.ToString() : null;

        private JsonElement Schema => Spec.TryGetProperty("schema", out var schema) ? schema : default;

        public (string? Type, string? Format) TypeAndFormat => Schema.ValueKind != JsonValueKind.Object ? (null, null) : (
            Schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null,
            Schema.TryGetProperty("format", out var format) ? format.GetString() : null);

        public string? Minimum => Schema.ValueKind == JsonValueKind.Object && Schema.TryGetProperty("minimum", out var minimum) ? minimum.ToString() : null;

        public IReadOnlyList<string> Enum => Schema.ValueKind == JsonValueKind.Object && Schema.TryGetProperty("enum", out var values)
            ? [.. values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];
    }
}
