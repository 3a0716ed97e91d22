using System.Net;
using BankAccounts.Domain.Security;
using BankAccounts.ReadModel.Storage;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary><c>/admin/read-model</c> on a single node: its version serves, and it is what the node refuses to drop.</summary>
public sealed class ReadModelVersionsSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly HttpClient _admin = host.ClientFor(Role.Admin, "test-admin");

    [Fact]
    public async Task Should_list_the_node_s_version_as_active_and_report_it_ready()
    {
        using var response = await _admin.GetAsync("/admin/read-model");

        var body = await Expect(response, HttpStatusCode.OK);
        Assert.Equal((ReadModelDatabase.SchemaVersion, ReadModelDatabase.SchemaVersion), (body.GetProperty("servedHere").GetInt32(), body.GetProperty("activeVersion").GetInt32()));
        var version = Assert.Single(body.GetProperty("versions").EnumerateArray());
        Assert.Equal(("active", "rm5_", 100), (version.GetProperty("state").GetString(), version.GetProperty("tablePrefix").GetString(), version.GetProperty("percent").GetInt32()));
        using var ready = await host.Http.GetAsync("/health/ready");
        var check = (await Expect(ready, HttpStatusCode.OK)).GetProperty("checks").GetProperty("read-model-database");
        Assert.Equal("Sqlite answers, read model version 5 active.", check.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Should_refuse_to_drop_the_active_version_an_unknown_one_or_for_a_non_admin()
    {
        using var active = await _admin.DeleteAsync($"/admin/read-model/versions/{ReadModelDatabase.SchemaVersion}");
        await ExpectProblem(active, HttpStatusCode.Conflict, "read-model-version-in-use");
        using var unknown = await _admin.DeleteAsync("/admin/read-model/versions/42");
        await ExpectProblem(unknown, HttpStatusCode.NotFound, "read-model-version-not-found");
        using var malformed = await _admin.DeleteAsync("/admin/read-model/versions/five");
        await ExpectProblem(malformed, HttpStatusCode.BadRequest, "invalid-request");
        using var teller = await host.Http.DeleteAsync($"/admin/read-model/versions/{ReadModelDatabase.SchemaVersion}");
        Assert.Equal(HttpStatusCode.Forbidden, teller.StatusCode);

        using var still = await _admin.GetAsync("/admin/read-model");
        Assert.Equal("active", (await Expect(still, HttpStatusCode.OK)).GetProperty("versions")[0].GetProperty("state").GetString());
    }
}
