using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using BankAccounts.Api.Security;
using BankAccounts.Domain.Security;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>Every endpoint but health (and, by default, the API documents) wants a valid bearer token of a known role.</summary>
public sealed class AuthenticationSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    public static TheoryData<string> RefusedTokens => ["garbage", "another key", "expired", "another issuer", "another audience"];

    [Fact]
    public async Task Should_answer_401_with_a_bearer_challenge_when_no_token_is_sent()
    {
        using var response = await host.ClientWith(null).GetAsync("/accounts?owner=Ada");

        await ExpectUnauthenticated(response, invalidToken: false);
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Should_answer_401_with_invalid_token_for_a_token_the_server_did_not_issue_or_no_longer_accepts(string token)
    {
        var defaults = new SecurityOptions();
        var key = SigningKeyFile.LoadOrCreate(host.SigningKeyFile);
        var minted = token switch
        {
            "garbage" => "not.a.token",
            "another key" => new TokenIssuer(SigningKeyFile.LoadOrCreate(Path.Combine(host.Folder, "another-key.pem")), defaults.Issuer, defaults.Audience, TimeProvider.System)
                .Issue(new Principal("mallory", Role.Admin), TimeSpan.FromHours(1)),
            "expired" => new TokenIssuer(key, defaults.Issuer, defaults.Audience, new FixedClock(DateTimeOffset.UtcNow.AddHours(-2)))
                .Issue(new Principal("ada", Role.Customer), TimeSpan.FromHours(1)),
            "another issuer" => new TokenIssuer(key, "someone-else", defaults.Audience, TimeProvider.System).Issue(new Principal("ada", Role.Customer), TimeSpan.FromHours(1)),
            "another audience" => new TokenIssuer(key, defaults.Issuer, "another-api", TimeProvider.System).Issue(new Principal("ada", Role.Customer), TimeSpan.FromHours(1)),
            _ => throw new ArgumentOutOfRangeException(nameof(token)),
        };

        using var response = await host.ClientWith(minted).GetAsync("/accounts?owner=Ada");

        await ExpectUnauthenticated(response, invalidToken: true);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Should_answer_health_probes_without_a_token_and_without_internal_details(string path)
    {
        using var response = await host.ClientWith(null).GetAsync(path);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("akka.tcp://", body);
        Assert.DoesNotContain("Exception", body);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar")]
    public async Task Should_serve_the_API_documents_without_a_token_by_default(string path)
    {
        using var response = await host.ClientWith(null).GetAsync(path);

        await Expect(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_answer_403_to_a_valid_token_whose_role_is_unknown()
    {
        var token = host.Tokens.Issue(new Dictionary<string, object> { ["sub"] = "ada", ["role"] = "superuser" }, TimeSpan.FromHours(1));

        using var response = await host.ClientWith(token).GetAsync("/accounts?owner=Ada");

        await ExpectProblem(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("GET", "/admin/projections")]
    [InlineData("POST", "/admin/projections/account-ledger/rebuild")]
    [InlineData("GET", "/admin/integrity")]
    [InlineData("GET", "/cluster")]
    [InlineData("GET", "/cluster/shards")]
    public async Task Should_answer_403_to_a_customer_on_operating_endpoints(string method, string path)
    {
        using var response = await host.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await ExpectProblem(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("'customer'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_let_an_auditor_check_integrity_but_not_operate_projections()
    {
        var auditor = host.ClientFor(Role.Auditor, "test-auditor");

        using var integrity = await auditor.GetAsync("/admin/integrity");
        using var projections = await auditor.GetAsync("/admin/projections");

        await Expect(integrity, HttpStatusCode.OK);
        await ExpectProblem(projections, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Should_accept_a_token_printed_by_the_token_verb_of_the_same_binary()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = host.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            typeof(BankAccountsApp).Assembly.Location, "token", "--subject", "cli-teller", "--role", "teller", "--name", "Grace Hopper",
            "--lifetime", "00:10:00", $"--BankAccounts:Security:SigningKeyFile={host.SigningKeyFile}",
        })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var (output, errors) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(process.ExitCode == 0, await errors);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var token = Assert.Single(lines);
        using var response = await host.ClientWith(token).GetAsync("/accounts?owner=Grace");
        await Expect(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_refuse_to_mint_a_token_for_an_unknown_role_with_a_non_zero_exit_and_nothing_on_stdout()
    {
        var start = new ProcessStartInfo("dotnet", [typeof(BankAccountsApp).Assembly.Location, "token", "--subject", "x", "--role", "root"])
        {
            WorkingDirectory = host.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var (output, errors) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, process.ExitCode);
        Assert.Equal("", await output);
        Assert.Contains("--role", await errors);
    }

    private static async Task ExpectUnauthenticated(HttpResponseMessage response, bool invalidToken)
    {
        await ExpectProblem(response, HttpStatusCode.Unauthorized, "unauthenticated");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        if (invalidToken)
        {
            Assert.Contains("error=\"invalid_token\"", challenge.Parameter);
            Assert.DoesNotContain("=\"\"", challenge.Parameter);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class PrivateApiDocsSpecs(PrivateDocsApiTestHost host) : IClassFixture<PrivateDocsApiTestHost>
{
    /// <summary><c>/scalar/</c>: HttpClient drops the Authorization header when it follows <c>/scalar</c>'s redirect.</summary>
    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar/")]
    public async Task Should_want_a_token_for_the_API_documents_when_they_are_not_public(string path)
    {
        using var anonymous = await host.ClientWith(null).GetAsync(path);
        using var customer = await host.Http.GetAsync(path);

        await ExpectProblem(anonymous, HttpStatusCode.Unauthorized, "unauthenticated");
        await Expect(customer, HttpStatusCode.OK);
    }
}

public sealed class RateLimitSpecs(RateLimitedApiTestHost host) : IClassFixture<RateLimitedApiTestHost>
{
    [Fact]
    public async Task Should_answer_429_with_Retry_After_once_a_caller_exceeds_its_rate_but_not_limit_others_or_health()
    {
        var hasty = host.ClientFor(Role.Customer, "hasty");
        HttpStatusCode status;
        HttpResponseMessage response;
        var sent = 0;
        do
        {
            response = await hasty.GetAsync("/accounts?owner=Ada");
            status = response.StatusCode;
            sent++;
        }
        while (status == HttpStatusCode.OK && sent < 50);

        using (response)
        {
            await ExpectProblem(response, HttpStatusCode.TooManyRequests, "too-many-requests");
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        }
        using var patient = await host.ClientFor(Role.Customer, "patient").GetAsync("/accounts?owner=Ada");
        await Expect(patient, HttpStatusCode.OK);
        for (var i = 0; i < 5; i++)
        {
            using var live = await host.ClientWith(null).GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
    }
}
