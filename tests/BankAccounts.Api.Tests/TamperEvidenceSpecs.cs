using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using BankAccounts.Api.Cli;
using BankAccounts.Domain.Security;
using Microsoft.Data.Sqlite;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>
/// Tampering with the real SQLite journal file of a running app, the way someone with database access would:
/// each kind of tampering is found and located by <c>GET /accounts/{id}/verify</c>, by the offline <c>verify</c>
/// verb and by the integrity check.
/// </summary>
public sealed class TamperEvidenceSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _customer = host.Accounts;
    private readonly HttpClient _auditor = host.ClientFor(Role.Auditor, "chain-auditor");

    [Fact]
    public async Task Should_find_an_untouched_account_valid_with_its_head_the_hash_of_its_last_stored_event()
    {
        var id = await AccountWithDeposits(3);

        var report = await Verify(id);

        Assert.True(report.GetProperty("valid").GetBoolean(), report.GetRawText());
        Assert.Equal((4, 1L, 4L), (report.GetProperty("eventsChecked").GetInt32(), report.GetProperty("chainStartsAt").GetInt64(), report.GetProperty("lastSequenceNr").GetInt64()));
        Assert.Equal(JsonValueKind.Null, report.GetProperty("break").ValueKind);
        Assert.Equal(Sha256(StoredRows(id)[^1]), report.GetProperty("head").GetString());
    }

    [Fact]
    public async Task Should_locate_one_changed_byte_in_a_stored_payload()
    {
        var id = await AccountWithDeposits(4);
        var rows = StoredRows(id);
        var changed = ReplaceOnce(rows[2], "\"amount\":12", "\"amount\":92"); // event 3 deposited 12

        Update(id, 3, changed);

        await AssertBroken(id, 3, "modified");
    }

    [Fact]
    public async Task Should_locate_a_deleted_event()
    {
        var id = await AccountWithDeposits(4);

        Execute("DELETE FROM journal WHERE persistence_id = $id AND sequence_number = 3", id);

        await AssertBroken(id, 3, "missing");
    }

    [Fact]
    public async Task Should_locate_two_swapped_events()
    {
        var id = await AccountWithDeposits(4);
        var rows = StoredRows(id);

        Update(id, 3, rows[3]);
        Update(id, 4, rows[2]);

        await AssertBroken(id, 3, "reordered");
    }

    [Fact]
    public async Task Should_locate_a_forged_event_appended_to_the_stream()
    {
        var id = await AccountWithDeposits(4);
        var forged = ReplaceOnce(StoredRows(id)[1], "\"amount\":11", "\"amount\":5000"); // a copy of the first deposit, richer

        Execute($"""
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, tags, manifest, identifier, writer_uuid)
            SELECT created, deleted, persistence_id, 6, $message, tags, manifest, identifier, writer_uuid
            FROM journal WHERE persistence_id = $id AND sequence_number = 2
            """, id, ("$message", forged));

        await AssertBroken(id, 6, "inserted");
    }

    [Fact]
    public async Task Should_answer_400_for_a_malformed_head_and_404_for_an_account_the_customer_does_not_own()
    {
        var id = await AccountWithDeposits(1);

        using var malformed = await _auditor.GetAsync($"/accounts/{id}/verify?head=XYZ&version=1");
        await ExpectProblem(malformed, HttpStatusCode.BadRequest);
        using var halfAnchor = await _auditor.GetAsync($"/accounts/{id}/verify?version=1");
        await ExpectProblem(halfAnchor, HttpStatusCode.BadRequest);
        using var stranger = await host.ClientFor(Role.Customer, "someone-else").GetAsync($"/accounts/{id}/verify");
        await ExpectProblem(stranger, HttpStatusCode.NotFound, "account-not-found");
        using var owner = await _customer.Http.GetAsync($"/accounts/{id}/verify");
        await Expect(owner, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_check_a_head_a_customer_kept_from_an_earlier_statement()
    {
        var id = await AccountWithDeposits(3);
        var kept = (await Verify(id)).GetProperty("head").GetString()!;
        await _customer.Deposit(id, 1m);

        var honest = await Verify(id, $"?head={kept}&version=4");
        Assert.True(honest.GetProperty("valid").GetBoolean(), honest.GetRawText());

        var other = await Verify(id, $"?head={Sha256(Encoding.UTF8.GetBytes("not it"))}&version=4");
        Assert.Equal((4L, "modified"), (other.GetProperty("break").GetProperty("sequenceNr").GetInt64(), other.GetProperty("break").GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Should_exit_zero_from_the_verify_verb_as_a_real_process_on_an_untouched_copy_and_three_on_a_tampered_one()
    {
        var id = await AccountWithDeposits(2);
        var copy = Path.Combine(host.Folder, $"copy-{Guid.NewGuid():N}.db");
        using (var journal = Open())
        {
            using var vacuum = journal.CreateCommand();
            vacuum.CommandText = $"VACUUM INTO '{copy}'";
            vacuum.ExecuteNonQuery();
        }
        using (var connection = new SqliteConnection($"Data Source={copy};Pooling=False"))
        {
            connection.Open();
            using var others = connection.CreateCommand();
            // Only this account (the shared journal holds the other specs' tampering).
            others.CommandText = "DELETE FROM journal WHERE persistence_id <> $id";
            others.Parameters.AddWithValue("$id", "account-" + id);
            others.ExecuteNonQuery();
        }

        var (clean, cleanOutput) = await RunVerb(copy);
        Assert.True(clean == 0, cleanOutput);
        Assert.Contains("OK: 1 streams, 3 events", cleanOutput);

        using (var connection = new SqliteConnection($"Data Source={copy};Pooling=False"))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM journal WHERE sequence_number = 2";
            delete.ExecuteNonQuery();
        }
        var (broken, brokenOutput) = await RunVerb(copy);
        Assert.True(broken == VerifyCommand.Broken, brokenOutput);
        Assert.Contains($"BROKEN account-{id} at event 2: missing", brokenOutput);
    }

    [Fact]
    public async Task Should_answer_usage_errors_of_the_verify_verb_with_exit_code_two()
    {
        var errors = new StringWriter();

        Assert.Equal(2, await VerifyCommand.RunAsync(["verify", "--provider", "Oracle", "--connection-string", "x"], TextWriter.Null, errors));
        Assert.Equal(2, await VerifyCommand.RunAsync(["verify", "--provider", "SQLite.MS"], TextWriter.Null, errors));
        Assert.Equal(2, await VerifyCommand.RunAsync(["verify", "--provider", "SQLite.MS", "--connection-string", $"Data Source={Path.Combine(host.Folder, "absent.db")}"], TextWriter.Null, errors));
        Assert.False(File.Exists(Path.Combine(host.Folder, "absent.db")));
    }

    private async Task AssertBroken(string id, long sequenceNr, string kind)
    {
        var report = await Verify(id);
        Assert.False(report.GetProperty("valid").GetBoolean(), report.GetRawText());
        var broken = report.GetProperty("break");
        Assert.Equal((sequenceNr, kind), (broken.GetProperty("sequenceNr").GetInt64(), broken.GetProperty("kind").GetString()));

        var output = new StringWriter();
        var exitCode = await VerifyCommand.RunAsync(
            ["verify", "--provider", "SQLite.MS", "--connection-string", $"Data Source={host.JournalFile}"], output, TextWriter.Null);
        Assert.Equal(VerifyCommand.Broken, exitCode);
        Assert.Contains($"BROKEN account-{id} at event {sequenceNr}: {kind}:", output.ToString());

        using var integrity = await _auditor.GetAsync("/admin/integrity");
        var ledger = await Expect(integrity, HttpStatusCode.OK);
        Assert.False(ledger.GetProperty("consistent").GetBoolean());
        Assert.Contains(ledger.GetProperty("drift").EnumerateArray(), d => d.GetString()!.StartsWith($"Stream account-{id}: the hash chain breaks at event", StringComparison.Ordinal));
    }

    private async Task<JsonElement> Verify(string id, string query = "")
    {
        using var response = await _auditor.GetAsync($"/accounts/{id}/verify{query}");
        return await Expect(response, HttpStatusCode.OK);
    }

    /// <summary>An account with deposits of 11, 12, 13, ...: event 1 opens it, event n + 1 deposits 10 + n.</summary>
    private async Task<string> AccountWithDeposits(int count)
    {
        var id = await _customer.Open();
        for (var n = 1; n <= count; n++)
        {
            await _customer.Deposit(id, 10 + n);
        }
        return id;
    }

    private List<byte[]> StoredRows(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", "account-" + id);
        using var reader = command.ExecuteReader();
        var rows = new List<byte[]>();
        while (reader.Read())
        {
            rows.Add((byte[])reader[0]);
        }
        return rows;
    }

    private void Update(string id, long sequenceNr, byte[] message) =>
        Execute("UPDATE journal SET message = $message WHERE persistence_id = $id AND sequence_number = $seq", id, ("$message", message), ("$seq", sequenceNr));

    private void Execute(string sql, string id, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", "account-" + id);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={host.JournalFile};Pooling=False;Default Timeout=30");
        connection.Open();
        return connection;
    }

    private static byte[] ReplaceOnce(byte[] stored, string from, string to)
    {
        var text = Encoding.UTF8.GetString(stored);
        Assert.Equal(1, text.Split(from).Length - 1);
        return Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>The verb as an operator runs it: the app's own binary, in a process of its own.</summary>
    private static async Task<(int ExitCode, string Output)> RunVerb(string journalFile)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "BankAccounts.Api.dll"), "verify", "--provider", "SQLite.MS", "--connection-string", $"Data Source={journalFile}" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await errors);
    }
}
