using System.Data.Common;
using System.Globalization;
using BankAccounts.ReadModel.Projections;

namespace BankAccounts.ReadModel.Storage;

/// <summary>One row of <c>read_model_versions</c>: a version's state and the progress of its rebuild.</summary>
/// <param name="MadeBySchema">The <see cref="ReadModelDatabase.SchemaVersion"/> of the build that created the tables.</param>
public sealed record ReadModelVersionRow(
    int Version, ReadModelVersionState State, int MadeBySchema, long EventsDone, long EventsTotal,
    DateTimeOffset StartedAt, DateTimeOffset? CaughtUpAt, DateTimeOffset? ActivatedAt)
{
    public RebuildProgress Progress => new(EventsDone, EventsTotal, StartedAt);
}

/// <summary>
/// The registry every version shares: <c>read_model_versions</c>, unprefixed, created if missing and never dropped or
/// recreated, so builds of any version read and write it. Later builds may add columns (never remove or retype one);
/// every statement here names its columns.
/// </summary>
internal static class ReadModelVersionRegistry
{
    private const string Columns = "version, state, made_by_schema, events_done, events_total, started_at, caught_up_at, activated_at";

    public static Task EnsureTableAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS read_model_versions (
              version INTEGER NOT NULL PRIMARY KEY,
              state VARCHAR(16) NOT NULL,
              made_by_schema INTEGER NOT NULL,
              events_done BIGINT NOT NULL,
              events_total BIGINT NOT NULL,
              started_at BIGINT NOT NULL,
              caught_up_at BIGINT NULL,
              activated_at BIGINT NULL)
            """, cancellationToken);

    public static async Task<IReadOnlyList<ReadModelVersionRow>> ListAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {Columns} FROM read_model_versions ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ReadModelVersionRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ReadModelVersionRow(
                Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture),
                Enum.Parse<ReadModelVersionState>(reader.GetString(1), ignoreCase: true),
                Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
                reader.GetInt64(3), reader.GetInt64(4), Instant(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : Instant(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : Instant(reader.GetInt64(7))));
        }
        return rows;
    }

    public static Task SaveAsync(DbConnection connection, DbTransaction? transaction, ReadModelVersionRow row, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"""
            INSERT INTO read_model_versions ({Columns}) VALUES (@version, @state, @schema, @done, @total, @started, @caughtUp, @activated)
            ON CONFLICT (version) DO UPDATE SET state = @state, made_by_schema = @schema, events_done = @done, events_total = @total,
              started_at = @started, caught_up_at = @caughtUp, activated_at = @activated
            """, cancellationToken,
            ("version", row.Version), ("state", Stored(row.State)), ("schema", row.MadeBySchema), ("done", row.EventsDone), ("total", row.EventsTotal),
            ("started", row.StartedAt.UtcTicks), ("caughtUp", row.CaughtUpAt?.UtcTicks), ("activated", row.ActivatedAt?.UtcTicks));

    /// <summary>The active version becomes superseded: one statement, in the caller's transaction with the activation.</summary>
    public static Task SupersedeActiveAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "UPDATE read_model_versions SET state = @superseded WHERE state = @active", cancellationToken,
            ("superseded", Stored(ReadModelVersionState.Superseded)), ("active", Stored(ReadModelVersionState.Active)));

    public static Task RecordProgressAsync(DbConnection connection, int version, long done, long total, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, null, "UPDATE read_model_versions SET events_done = @done, events_total = @total WHERE version = @version", cancellationToken,
            ("done", done), ("total", total), ("version", version));

    private static string Stored(ReadModelVersionState state) => state.ToString().ToLowerInvariant();

    private static DateTimeOffset Instant(long ticks) => new(ticks, TimeSpan.Zero);

    private static async Task ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
