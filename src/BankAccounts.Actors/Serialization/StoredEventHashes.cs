using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace BankAccounts.Actors.Serialization;

/// <summary>
/// The SHA-256 of the bytes an event is stored as: the link of the tamper-evident hash chain
/// (each stored event carries its predecessor's hash in <c>metadata.previousHash</c>).
/// </summary>
/// <remarks>
/// Hashes are always taken from stored bytes, never from a re-serialization: an event read from the
/// journal remembers the hash of the bytes it was read from (before any upcaster ran), so a v1
/// event upcast to v2 still hashes as stored. Hex, lower case, 64 characters.
/// </remarks>
public static class StoredEventHashes
{
    private static readonly ConditionalWeakTable<object, string> ReadHashes = new();

    /// <summary>The hash of stored bytes.</summary>
    public static string Of(ReadOnlySpan<byte> storedBytes) => Convert.ToHexStringLower(SHA256.HashData(storedBytes));

    /// <summary>What the first event of a stream links to: the stream's identity, so an event cannot be moved to another stream unnoticed.</summary>
    public static string Genesis(string persistenceId) => Of(Encoding.UTF8.GetBytes("bank-accounts/chain/" + persistenceId));

    /// <summary>The hash of the stored bytes <paramref name="event"/> was read from, if it was read by <see cref="BankAccountsSerializer"/>.</summary>
    public static string? OfStored(object @event) => ReadHashes.TryGetValue(@event, out var hash) ? hash : null;

    internal static void RememberRead(object @event, ReadOnlySpan<byte> storedBytes) => ReadHashes.AddOrUpdate(@event, Of(storedBytes));
}
