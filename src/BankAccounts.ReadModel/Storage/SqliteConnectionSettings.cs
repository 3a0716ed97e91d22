using System.Data.Common;
using BankAccounts.Actors.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BankAccounts.ReadModel.Storage;

/// <summary>
/// Applies SQLite's per-connection settings to every read model connection EF Core opens. The read
/// model uses <see cref="SqliteSynchronous.Normal"/>: it is derived from the journal and each batch
/// commits together with its offset, so a power loss can only roll it back to an earlier consistent
/// point that the projectors replay from; nothing acknowledged is lost. Its writes are large batches at random places
/// of its indexes: <see cref="SqliteDatabase.BulkWritePragmas"/>.
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings ReadModel = new(SqliteSynchronous.Normal);

    private readonly SqliteSynchronous _synchronous;

    private SqliteConnectionSettings(SqliteSynchronous synchronous)
    {
        _synchronous = synchronous;
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        SqliteDatabase.Configure(connection, _synchronous, SqliteDatabase.BulkWritePragmas);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        SqliteDatabase.ConfigureAsync(connection, _synchronous, cancellationToken, SqliteDatabase.BulkWritePragmas);
}
