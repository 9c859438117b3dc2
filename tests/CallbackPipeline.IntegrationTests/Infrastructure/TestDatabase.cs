using Npgsql;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>A database of its own for one fixture, dropped when the fixture is disposed.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = name, Pooling = true }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        await TestServers.EnsureReachableAsync();
        var database = new TestDatabase($"cbp_test_{Guid.NewGuid():N}");
        await using var connection = new NpgsqlConnection(TestServers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{database.Name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestServers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists \"{Name}\" with (force)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
