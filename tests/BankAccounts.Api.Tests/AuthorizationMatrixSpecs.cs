using System.Net;
using BankAccounts.Domain.Security;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>
/// Who may do what, endpoint by endpoint: every role against an account of its own (for a
/// customer; any customer's for staff), another customer's, and a missing one, with the exact
/// status. A customer learns nothing of accounts that are not theirs: 404, as for a missing one.
/// </summary>
public sealed class AuthorizationMatrixSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private const string Alice = "matrix-alice";
    private const string Bob = "matrix-bob";

    public enum Target
    {
        Own,
        Others,
        Missing,
    }

    /// <summary>The caller's role; customers are Alice.</summary>
    public static readonly Role[] Roles = [Role.Customer, Role.Teller, Role.Auditor, Role.Admin];

    /// <summary>(operation, role, target) → status. Staff have no account of their own: Own and Others are any customer's.</summary>
    public static TheoryData<string, Role, Target, int> AccountCases()
    {
        var data = new TheoryData<string, Role, Target, int>();
        foreach (var role in Roles)
        {
            foreach (var target in Enum.GetValues<Target>())
            {
                var customer = role == Role.Customer;
                var read = target == Target.Missing || (customer && target == Target.Others) ? 404 : 200;
                var money = role switch
                {
                    Role.Customer => target == Target.Own ? 200 : 404,
                    Role.Teller => target == Target.Missing ? 404 : 200,
                    _ => 403,
                };
                data.Add("deposit", role, target, money);
                data.Add("withdraw", role, target, money);
                data.Add("close", role, target, customer ? (target == Target.Own ? 200 : 404) : 403);
                data.Add("transfer", role, target, customer ? (target == Target.Own ? 202 : 404) : 403);
                data.Add("get", role, target, read);
                data.Add("transactions", role, target, read);
                data.Add("events", role, target, read);
                data.Add("verify", role, target, read);
                data.Add("transfers-of-account", role, target, read);
                data.Add("get-transfer", role, target, target == Target.Missing || (customer && target == Target.Others) ? 404 : 200);
            }
        }
        return data;
    }

    public static TheoryData<string, Role, int> OperatingCases()
    {
        var data = new TheoryData<string, Role, int>();
        foreach (var role in Roles)
        {
            data.Add("GET /admin/projections", role, role == Role.Admin ? 200 : 403);
            data.Add("POST /admin/projections/transfers/rebuild", role, role == Role.Admin ? 202 : 403);
            data.Add("GET /admin/integrity", role, role is Role.Admin or Role.Auditor ? 200 : 403);
            data.Add("GET /cluster", role, role == Role.Admin ? 200 : 403);
            data.Add("GET /cluster/shards", role, role == Role.Admin ? 200 : 403);
        }
        return data;
    }

    public static TheoryData<Role, string, int> OpeningCases() => new()
    {
        { Role.Customer, """{ "owner": "Alice", "currency": "EUR" }""", 201 },
        { Role.Customer, $$"""{ "owner": "Alice", "currency": "EUR", "customerId": "{{Alice}}" }""", 201 },
        { Role.Customer, $$"""{ "owner": "Bob", "currency": "EUR", "customerId": "{{Bob}}" }""", 403 },
        { Role.Customer, """{ "owner": "Alice", "currency": "EUR", "overdraftLimit": 100 }""", 403 },
        { Role.Teller, $$"""{ "owner": "Alice", "currency": "EUR", "overdraftLimit": 100, "customerId": "{{Alice}}" }""", 201 },
        { Role.Teller, """{ "owner": "Nobody", "currency": "EUR" }""", 403 },
        { Role.Auditor, $$"""{ "owner": "Alice", "currency": "EUR", "customerId": "{{Alice}}" }""", 403 },
        { Role.Admin, $$"""{ "owner": "Alice", "currency": "EUR", "customerId": "{{Alice}}" }""", 403 },
    };

    [Theory]
    [MemberData(nameof(AccountCases))]
    public async Task Should_answer_each_role_on_each_account_endpoint_with_the_exact_status(string operation, Role role, Target target, int status)
    {
        var alice = new AccountsClient(host.ClientFor(Role.Customer, Alice));
        var bob = new AccountsClient(host.ClientFor(Role.Customer, Bob));
        var own = await alice.Open(owner: "Alice");
        var others = await bob.Open(owner: "Bob");
        var account = target switch
        {
            Target.Own => own,
            Target.Others => others,
            _ => Guid.NewGuid().ToString(),
        };
        var caller = new AccountsClient(role == Role.Customer ? alice.Http : host.ClientFor(role, $"matrix-{role}".ToLowerInvariant()));
        await alice.Get(own, minVersion: 1);
        await bob.Get(others, minVersion: 1);

        using var response = operation switch
        {
            "deposit" => await caller.Post($"/accounts/{account}/deposits", """{ "amount": 1 }"""),
            // An overdraft-free account at zero: a withdrawal the role may make is declined, not refused.
            "withdraw" => await caller.Post($"/accounts/{account}/withdrawals", """{ "amount": 1 }"""),
            "close" => await caller.Post($"/accounts/{account}/close", (string?)null),
            "transfer" => await caller.Post("/transfers", $$"""{ "fromAccountId": "{{account}}", "toAccountId": "{{(account == others ? own : others)}}", "amount": 1 }"""),
            "get" => await caller.Http.GetAsync($"/accounts/{account}"),
            "transactions" => await caller.Http.GetAsync($"/accounts/{account}/transactions"),
            "events" => await caller.Http.GetAsync($"/accounts/{account}/events"),
            "verify" => await caller.Http.GetAsync($"/accounts/{account}/verify"),
            "transfers-of-account" => await caller.Http.GetAsync($"/accounts/{account}/transfers"),
            "get-transfer" => await caller.Http.GetAsync($"/transfers/{await TransferOf(target, alice, bob, own, others)}"),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };

        // A withdrawal the role may make from an empty account is declined (422), which proves it got past authorization.
        var expected = operation == "withdraw" && status == 200 ? 422 : status;
        Assert.True((int)response.StatusCode == expected,
            $"{role} {operation} on {target}: expected {expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (expected >= 400)
        {
            await ExpectProblem(response, (HttpStatusCode)expected);
        }
        if (expected is 403 or 404 && operation is "deposit" or "withdraw" or "close")
        {
            Assert.Equal(1, await alice.EventCount(own));
            Assert.Equal(1, await bob.EventCount(others));
        }
    }

    [Theory]
    [MemberData(nameof(OperatingCases))]
    public async Task Should_let_only_the_right_roles_operate_the_system(string endpoint, Role role, int status)
    {
        var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
        using var client = host.ClientFor(role, $"operator-{role}".ToLowerInvariant());

        using var response = method == "GET" ? await client.GetAsync(path) : await client.PostAsync(path, null);

        Assert.True((int)response.StatusCode == status, $"{role} {endpoint}: expected {status}, got {(int)response.StatusCode}");
    }

    [Theory]
    [MemberData(nameof(OpeningCases))]
    public async Task Should_let_customers_open_only_their_own_accounts_and_tellers_open_for_a_named_customer(Role role, string body, int status)
    {
        var caller = new AccountsClient(host.ClientFor(role, role == Role.Customer ? Alice : $"opener-{role}".ToLowerInvariant()));

        using var response = await caller.Post("/accounts", body);

        Assert.True((int)response.StatusCode == status, $"{role} opening {body}: expected {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (status == 201)
        {
            var id = (await Expect(response, HttpStatusCode.Created)).GetProperty("accountId").GetString()!;
            // The account is Alice's whoever opened it: she reads it, Bob cannot.
            var alice = new AccountsClient(host.ClientFor(Role.Customer, Alice));
            await alice.Get(id, minVersion: 1);
            using var asBob = await host.ClientFor(Role.Customer, Bob).GetAsync($"/accounts/{id}");
            await ExpectProblem(asBob, HttpStatusCode.NotFound, "account-not-found");
        }
        else
        {
            await ExpectProblem(response, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task Should_list_only_a_customers_own_accounts_whatever_owner_name_is_searched()
    {
        var alice = new AccountsClient(host.ClientFor(Role.Customer, Alice));
        var bob = new AccountsClient(host.ClientFor(Role.Customer, Bob));
        var name = "Shared Name " + Guid.NewGuid().ToString("N");
        var alices = await alice.Open(owner: name);
        var bobs = await bob.Open(owner: name);
        await alice.Get(alices, minVersion: 1);
        await bob.Get(bobs, minVersion: 1);

        using var asAlice = await alice.Http.GetAsync($"/accounts?owner={Uri.EscapeDataString(name)}");
        using var asTeller = await host.ClientFor(Role.Teller, "teller").GetAsync($"/accounts?owner={Uri.EscapeDataString(name)}");

        Assert.Equal([alices], (await Expect(asAlice, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("accountId").GetString()));
        Assert.Equal(2, (await Expect(asTeller, HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }

    /// <summary>
    /// A transfer Alice requested from her account (Own), one Bob requested between two accounts of
    /// his (Others: nothing of Alice's is involved), or none (Missing).
    /// </summary>
    private static async Task<string> TransferOf(Target target, AccountsClient alice, AccountsClient bob, string own, string others)
    {
        if (target == Target.Missing)
        {
            return Guid.NewGuid().ToString();
        }
        var (requester, from, to) = target == Target.Own ? (alice, own, others) : (bob, others, await bob.Open(owner: "Bob"));
        await requester.Deposit(from, 1m);
        using var response = await requester.Post("/transfers", $$"""{ "fromAccountId": "{{from}}", "toAccountId": "{{to}}", "amount": 1 }""");
        return (await Expect(response, HttpStatusCode.Accepted)).GetProperty("transferId").GetString()!;
    }
}
