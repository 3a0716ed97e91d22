using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BankAccounts.Benchmarks.Measurement;

/// <summary>
/// A load generator that costs little, so the server's share of the CPU is what the REST figures show:
/// raw sockets, HTTP/1.1 keep-alive, one request in flight per connection, request bytes prebuilt per
/// account (only a counter-based <c>Idempotency-Key</c> is written into them per request), and a response
/// read only as far as its status line and its end (<c>Content-Length</c> or the last chunk).
/// </summary>
internal sealed class LeanHttpClient : IAsyncDisposable
{
    /// <summary>Digits of the counter part of an Idempotency-Key (fixed width: the request template has a hole of this size).</summary>
    private const int KeyDigits = 16;

    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LastChunk = "\r\n0\r\n\r\n"u8.ToArray();
    private static readonly byte[][] ContentLengthNames = ["\r\nContent-Length:"u8.ToArray(), "\r\ncontent-length:"u8.ToArray()];

    private readonly IPEndPoint _server;
    private readonly byte[][] _prefixes;
    private readonly byte[] _suffix;
    private readonly ConcurrentQueue<Connection> _idle = new();
    private readonly List<Connection> _all = [];
    private long _nextKey;

    /// <param name="paths">One request target per account (e.g. <c>/accounts/{id}/deposits</c>).</param>
    /// <param name="headers">Header lines sent on every request (authorization, content type), without line ends.</param>
    private LeanHttpClient(IPEndPoint server, string host, IReadOnlyList<string> paths, IEnumerable<string> headers, byte[] body)
    {
        _server = server;
        var common = string.Concat(headers.Select(h => h + "\r\n"));
        // A run-unique key prefix: keys are remembered per caller, and other runs may use the same token's subject.
        var keyPrefix = Guid.NewGuid().ToString("N")[..12];
        _prefixes = [.. paths.Select(path => Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {host}\r\n{common}Content-Length: {body.Length}\r\nIdempotency-Key: lean-{keyPrefix}-"))];
        _suffix = [.. "\r\n\r\n"u8.ToArray(), .. body];
    }

    public static async Task<LeanHttpClient> ConnectAsync(Uri address, int connections, IReadOnlyList<string> paths, IEnumerable<string> headers, byte[] body)
    {
        var server = new IPEndPoint(IPAddress.Parse(address.Host), address.Port);
        var client = new LeanHttpClient(server, address.Authority, paths, headers, body);
        for (var i = 0; i < connections; i++)
        {
            var connection = await Connection.OpenAsync(server, client.LongestRequest);
            client._all.Add(connection);
            client._idle.Enqueue(connection);
        }
        return client;
    }

    private int LongestRequest => _prefixes.Max(p => p.Length) + KeyDigits + _suffix.Length;

    /// <summary>Sends request <paramref name="target"/> (an index into the paths) on an idle connection; returns the status code.</summary>
    /// <remarks>At most as many callers at once as there are connections (the load driver's concurrency).</remarks>
    public async Task<int> SendAsync(int target)
    {
        if (!_idle.TryDequeue(out var connection))
        {
            throw new InvalidOperationException("More requests in flight than connections.");
        }
        try
        {
            var length = Compose(connection.Request, target);
            return await connection.ExchangeAsync(length);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
        {
            // A broken connection is replaced; the request counts as failed.
            lock (_all)
            {
                _all.Remove(connection);
            }
            connection.Dispose();
            connection = await Connection.OpenAsync(_server, LongestRequest);
            lock (_all)
            {
                _all.Add(connection);
            }
            throw;
        }
        finally
        {
            _idle.Enqueue(connection);
        }
    }

    private int Compose(byte[] request, int target)
    {
        var prefix = _prefixes[target];
        prefix.CopyTo(request, 0);
        var key = request.AsSpan(prefix.Length, KeyDigits);
        Utf8Formatter.TryFormat((ulong)Interlocked.Increment(ref _nextKey), key, out _, new System.Buffers.StandardFormat('D', KeyDigits));
        _suffix.CopyTo(request, prefix.Length + KeyDigits);
        return prefix.Length + KeyDigits + _suffix.Length;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var connection in _all)
        {
            connection.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private sealed class Connection(Socket socket, byte[] request) : IDisposable
    {
        private byte[] _response = new byte[4096];

        public byte[] Request { get; } = request;

        public static async Task<Connection> OpenAsync(IPEndPoint server, int requestLength)
        {
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server);
            return new Connection(socket, new byte[requestLength]);
        }

        public async Task<int> ExchangeAsync(int length)
        {
            await socket.SendAsync(Request.AsMemory(0, length), SocketFlags.None);
            var (received, headerEnd, bodyLength) = (0, -1, -1);
            while (true)
            {
                if (received == _response.Length)
                {
                    Array.Resize(ref _response, _response.Length * 2);
                }
                var read = await socket.ReceiveAsync(_response.AsMemory(received), SocketFlags.None);
                if (read == 0)
                {
                    throw new IOException("The server closed the connection.");
                }
                received += read;
                if (headerEnd < 0)
                {
                    var end = _response.AsSpan(0, received).IndexOf(HeaderEnd);
                    if (end < 0)
                    {
                        continue;
                    }
                    headerEnd = end + HeaderEnd.Length;
                    bodyLength = ContentLength(_response.AsSpan(0, headerEnd));
                }
                // One request in flight per connection: the response ends where the bytes end.
                if (bodyLength >= 0 ? received >= headerEnd + bodyLength : _response.AsSpan(0, received).EndsWith(LastChunk))
                {
                    return Status(_response);
                }
            }
        }

        /// <summary>The Content-Length header's value; -1 when the body is chunked.</summary>
        private static int ContentLength(ReadOnlySpan<byte> headers)
        {
            foreach (var name in ContentLengthNames)
            {
                var at = headers.IndexOf(name);
                if (at >= 0)
                {
                    var value = headers[(at + name.Length)..].TrimStart((byte)' ');
                    if (Utf8Parser.TryParse(value, out int length, out _))
                    {
                        return length;
                    }
                }
            }
            if (headers.IndexOf("chunked"u8) >= 0)
            {
                return -1;
            }
            throw new InvalidDataException("A response with neither Content-Length nor chunked encoding.");
        }

        private static int Status(byte[] response) =>
            response.Length >= 12 && Utf8Parser.TryParse(response.AsSpan(9, 3), out int status, out _)
                ? status
                : throw new InvalidDataException("No HTTP status line.");

        public void Dispose() => socket.Dispose();
    }
}
