using Microsoft.Data.Sqlite;

namespace BankAccounts.Actors.Persistence;

/// <summary>Prepares an SQLite database file before anything writes to it.</summary>
public static class SqliteDatabase
{
    /// <summary>
    /// Creates the folder and switches the file to write-ahead logging, so readers (queries,
    /// projectors) never block the journal's writers. WAL is a property of the file and sticks.
    /// </summary>
    public static void Prepare(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            return;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
