using System.Net;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

public sealed class AskTimeoutSpecs(ImpatientApiTestHost host) : IClassFixture<ImpatientApiTestHost>
{
    [Fact]
    public async Task Should_answer_503_telling_to_retry_with_the_same_key_when_the_account_does_not_answer_in_time()
    {
        using var response = await host.Accounts.Post("/accounts", """{ "owner": "Ada", "currency": "EUR" }""", idempotencyKey: "slow-open");

        var problem = await ExpectProblem(response, HttpStatusCode.ServiceUnavailable, "account-unavailable");
        Assert.Contains("same Idempotency-Key", problem.GetProperty("detail").GetString());
    }
}
