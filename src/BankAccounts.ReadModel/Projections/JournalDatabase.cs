using System.Data.Common;
using System.Globalization;
using BankAccounts.Actors.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BankAccounts.ReadModel.Projections;

/// <summary>Counts over the journal's own table, read with a connection of the journal's settings (gauges, rebuild progress).</summary>
internal static class JournalDatabase
{
    public static async Task<DbConnection> OpenAsync(PersistenceOptions journal, CancellationToken cancellationToken)
    {
        DbConnection connection = journal.Provider == StorageProvider.PostgreSql
            ? new NpgsqlConnection(journal.ConnectionString)
            : new SqliteConnection(journal.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        if (journal.Provider == StorageProvider.Sqlite)
        {
            await SqliteDatabase.ConfigureAsync(connection, journal.SqliteSynchronous, cancellationToken);
        }
        return connection;
    }

    /// <summary>A node whose journal was never written to has no journal table yet.</summary>
    public static bool IsMissingTable(DbException e) =>
        e is SqliteException { SqliteErrorCode: 1 } && e.Message.Contains("no such table", StringComparison.Ordinal)
        || e is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable };

    /// <summary>The events of <paramref name="tag"/> in the journal, and how many of them lie at or before <paramref name="offset"/>.</summary>
    public static async Task<(long Done, long Total)> TaggedEventsAsync(DbConnection journal, string tag, long offset, CancellationToken cancellationToken)
    {
        await using var command = journal.CreateCommand();
        // Tags are stored as ';tag;' (tag-write-mode = Csv).
        command.CommandText = "SELECT COALESCE(SUM(CASE WHEN ordering <= @offset THEN 1 ELSE 0 END), 0), COUNT(*) FROM journal WHERE tags LIKE @tag";
        AddParameter(command, "@offset", offset);
        AddParameter(command, "@tag", $"%;{tag};%");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    public static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
