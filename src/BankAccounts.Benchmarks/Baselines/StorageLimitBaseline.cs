using System.Data.Common;
using System.Diagnostics;
using BankAccounts.Benchmarks.Infrastructure;

namespace BankAccounts.Benchmarks.Baselines;

/// <summary>
/// The storage limit: the journal rows an event-sourced write produces, inserted straight through
/// ADO.NET into the same journal table (same indexes, same connection settings), <c>batchSize</c>
/// rows per transaction on <c>writers</c> connections — the batching the journal is configured for.
/// Each row goes through one prepared INSERT (SQLite: executed once per row, the fastest way into
/// SQLite; PostgreSQL: the rows of a transaction sent as one <see cref="DbBatch"/> round trip).
/// What the full stack does on top of this is overhead.
/// Two row patterns: <see cref="RowPattern.Clustered"/> (ids <c>baseline-{batch}-{row}</c>, which sort
/// together on a few index pages: the physical limit class) and <see cref="RowPattern.SamePattern"/>
/// (the actor path's work: 1,000 random <c>account-{guid}</c> streams, each row the next sequence number
/// of one of them, so every row lands on a random leaf of the <c>(persistence_id, sequence_number)</c> index).
/// </summary>
internal static class StorageLimitBaseline
{
    private const string Insert =
        "INSERT INTO journal (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) " +
        "VALUES (@deleted, @persistence_id, @sequence_number, @created, @tags, @message, @identifier, @manifest, @writer_uuid)";

    public enum RowPattern
    {
        Clustered,
        SamePattern,
    }

    /// <summary>Streams of the same-pattern baseline: as many as the actor path's accounts.</summary>
    public const int SamePatternAccounts = 1_000;

    public sealed record Result(RowPattern Pattern, int Rows, int BatchSize, int Writers, TimeSpan Elapsed)
    {
        public double RowsPerSecond => Rows / Elapsed.TotalSeconds;
    }

    /// <summary>Inserts <paramref name="rows"/> copies of a real deposit row (new stream ids) into the store's journal table.</summary>
    public static async Task<Result> RunAsync(BenchmarkStore store, int rows, int batchSize, int writers, RowPattern pattern = RowPattern.Clustered)
    {
        var sample = await ReadSampleAsync(store);
        var streams = Enumerable.Range(0, SamePatternAccounts).Select(_ => $"account-{Guid.NewGuid()}").ToArray();
        var sequences = new long[streams.Length];
        (string PersistenceId, long SequenceNumber) Key(int batch, int row)
        {
            if (pattern == RowPattern.Clustered)
            {
                return ($"baseline-{batch}-{row}", 1L);
            }
            var stream = Random.Shared.Next(streams.Length);
            return (streams[stream], Interlocked.Increment(ref sequences[stream]));
        }
        var batches = (rows + batchSize - 1) / batchSize;
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            await using var connection = await store.OpenAsync(store.JournalConnectionString);
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < batches)
            {
                var count = Math.Min(batchSize, rows - batch * batchSize);
                await using var transaction = await connection.BeginTransactionAsync();
                if (connection.CanCreateBatch)
                {
                    await using var dbBatch = connection.CreateBatch();
                    dbBatch.Transaction = transaction;
                    for (var row = 0; row < count; row++)
                    {
                        var command = dbBatch.CreateBatchCommand();
                        command.CommandText = Insert;
                        Bind(command.Parameters, () => command.CreateParameter(), sample, Key(batch, row));
                        dbBatch.BatchCommands.Add(command);
                    }
                    await dbBatch.ExecuteNonQueryAsync();
                }
                else
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = Insert;
                    Bind(command.Parameters, command.CreateParameter, sample, ("", 0L));
                    await command.PrepareAsync();
                    for (var row = 0; row < count; row++)
                    {
                        var (persistenceId, sequenceNumber) = Key(batch, row);
                        command.Parameters[1].Value = persistenceId;
                        command.Parameters[2].Value = sequenceNumber;
                        command.Parameters[3].Value = DateTime.UtcNow.Ticks;
                        await command.ExecuteNonQueryAsync();
                    }
                }
                await transaction.CommitAsync();
            }
        })));
        return new Result(pattern, rows, batchSize, writers, Stopwatch.GetElapsedTime(started));
    }

    private static void Bind(DbParameterCollection parameters, Func<DbParameter> create, SampleRow sample, (string PersistenceId, long SequenceNumber) key)
    {
        void Add(string name, object? value)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameters.Add(parameter);
        }
        Add("@deleted", false);
        Add("@persistence_id", key.PersistenceId);
        Add("@sequence_number", key.SequenceNumber);
        Add("@created", DateTime.UtcNow.Ticks);
        Add("@tags", sample.Tags);
        Add("@message", sample.Message);
        Add("@identifier", sample.Identifier);
        Add("@manifest", sample.Manifest);
        Add("@writer_uuid", sample.WriterUuid);
    }

    private sealed record SampleRow(string? Tags, byte[] Message, int Identifier, string Manifest, string? WriterUuid);

    /// <summary>A deposit row exactly as the journal stored it: same payload bytes, tags and manifest.</summary>
    private static async Task<SampleRow> ReadSampleAsync(BenchmarkStore store)
    {
        await using var connection = await store.OpenAsync(store.JournalConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tags, message, identifier, manifest, writer_uuid FROM journal WHERE manifest LIKE 'MoneyDeposited%' LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException("The journal holds no deposit to copy.");
        }
        return new SampleRow(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            (byte[])reader.GetValue(1),
            Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4));
    }
}
