using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using BankAccounts.Cluster.Tests.Infrastructure;

namespace BankAccounts.Cluster.Tests;

/// <summary>As-of reads, balances and statements with the read model on PostgreSQL (ticks, indexes and decimals as that provider stores them).</summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryPostgreSqlSpecs(ClusterEnvironment environment)
{
    [Fact]
    public async Task Should_serve_the_history_from_PostgreSQL()
    {
        var database = await environment.Postgres.CreateDatabaseAsync("history");
        await using var app = await InProcessApp.StartAsync(database);
        var id = await BankApi.OpenAccountAsync(app.Http, "Ada");
        using (var deposit = await BankApi.DepositAsync(app.Http, id, 100.25m, "salary"))
        {
            await BankApi.ExpectAsync(deposit, HttpStatusCode.OK);
        }
        var between = DateTimeOffset.UtcNow;
        using (var withdrawal = await app.Http.PostAsync($"/accounts/{id}/withdrawals", BankApi.Json("""{ "amount": 0.25 }""")))
        {
            await BankApi.ExpectAsync(withdrawal, HttpStatusCode.OK);
        }
        using (var declined = await app.Http.PostAsync($"/accounts/{id}/withdrawals", BankApi.Json("""{ "amount": 1000 }""")))
        {
            Assert.Equal(HttpStatusCode.UnprocessableContent, declined.StatusCode);
        }
        Assert.Equal((100m, 4L), await BankApi.ReadModelAccountAsync(app.Http, id, 4));

        using var atVersion = await app.Http.GetAsync($"/accounts/{id}?atVersion=2");
        var two = await BankApi.ExpectAsync(atVersion, HttpStatusCode.OK);
        using var asOf = await app.Http.GetAsync($"/accounts/{id}?asOf={Uri.EscapeDataString(between.ToString("O", CultureInfo.InvariantCulture))}");
        var before = await BankApi.ExpectAsync(asOf, HttpStatusCode.OK);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var period = $"from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
        using var statementResponse = await app.Http.GetAsync($"/accounts/{id}/statements?{period}&timeZone=Europe/Paris");
        var statement = await BankApi.ExpectAsync(statementResponse, HttpStatusCode.OK);
        using var balancesResponse = await app.Http.GetAsync($"/accounts/{id}/balances?{period}&interval=hour");
        var balances = await BankApi.ExpectAsync(balancesResponse, HttpStatusCode.OK);
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/accounts/{id}/statements?{period}");
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await app.Http.SendAsync(csvRequest);

        Assert.Equal((100.25m, 2L), (two.GetProperty("balance").GetDecimal(), two.GetProperty("version").GetInt64()));
        Assert.Matches("^[0-9a-f]{64}$", two.GetProperty("chainHead").GetString());
        Assert.Equal(100.25m, before.GetProperty("balance").GetDecimal());
        Assert.Equal(
            (0m, 100.25m, 0.25m, 100m, 4),
            (statement.GetProperty("openingBalance").GetDecimal(), statement.GetProperty("totalIn").GetDecimal(), statement.GetProperty("totalOut").GetDecimal(),
                statement.GetProperty("closingBalance").GetDecimal(), statement.GetProperty("entries").GetArrayLength()));
        Assert.True(statement.GetProperty("entries")[3].GetProperty("declined").GetBoolean());
        Assert.Equal(48, balances.GetProperty("balances").GetArrayLength());
        Assert.Equal(100m, balances.GetProperty("balances")[47].GetProperty("balance").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1 + 1 + 4 + 1, (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
