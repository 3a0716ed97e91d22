using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BankAccounts.ReadModel.Projections;

/// <summary>A stream's events straight from the journal, through the read journal's <c>CurrentEventsByPersistenceId</c>.</summary>
public sealed class JournalStreamHistory(ActorSystem system) : IStreamHistory
{
    private readonly SqlReadJournal _journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
    private readonly IMaterializer _materializer = system.Materializer();

    public async Task<IReadOnlyList<ProjectedEvent>> ReadAsync(string persistenceId, long fromVersion, long toVersion, CancellationToken cancellationToken)
    {
        var events = await _journal.CurrentEventsByPersistenceId(persistenceId, fromVersion, toVersion)
            .Select(ProjectedEvent.From)
            .RunWith(Sink.Seq<ProjectedEvent>(), _materializer)
            .WaitAsync(cancellationToken);
        return events;
    }
}

/// <summary>
/// Pages through the journal's streams in persistence id order, with each one's highest sequence number and the
/// ordering of its last event: one indexed <c>GROUP BY</c> on the plugin's <c>journal</c> table (its default layout,
/// the connection from the plugin's own HOCON) per page.
/// </summary>
public sealed class JournalStreamHeads(bool postgreSql, string connectionString)
{
    public static JournalStreamHeads From(Config config)
    {
        var journal = config.GetConfig("akka.persistence.journal.sql");
        var provider = journal.GetString("provider-name", string.Empty);
        return new JournalStreamHeads(provider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase), journal.GetString("connection-string", string.Empty));
    }

    /// <summary>Up to <paramref name="limit"/> streams whose ids start with <paramref name="prefix"/>, after <paramref name="after"/> in id order.</summary>
    public async Task<IReadOnlyList<StreamHead>> PageAsync(string prefix, string after, int limit, CancellationToken cancellationToken)
    {
        await using DbConnection connection = postgreSql ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT persistence_id, MAX(sequence_number), MAX(ordering) FROM journal
            WHERE persistence_id > @after AND persistence_id LIKE @prefix
            GROUP BY persistence_id ORDER BY persistence_id LIMIT @limit
            """;
        Add(command, "after", after);
        Add(command, "prefix", prefix + "%");
        Add(command, "limit", limit);
        var heads = new List<StreamHead>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            heads.Add(new StreamHead(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return heads;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
