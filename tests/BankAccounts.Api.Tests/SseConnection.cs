using System.Net;
using System.Net.Sockets;
using System.Text;
using BankAccounts.Domain.Security;

namespace BankAccounts.Api.Tests;

/// <summary>One server-sent event as it came over the wire.</summary>
public sealed record SseEvent(string? Type, string? Id, IReadOnlyList<string> DataLines)
{
    public string Data => string.Join("\n", DataLines);

    public long Position => long.Parse(Id ?? throw new InvalidOperationException($"The '{Type}' event has no id."));
}

/// <summary>
/// A live feed read as a client reads it: a real HTTP response, its body parsed line by line
/// (<c>field: value</c>, a blank line ends an event), every line kept for wire-format checks.
/// </summary>
public sealed class SseConnection : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader? _reader;

    private SseConnection(HttpResponseMessage response, StreamReader? reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public List<string> Lines { get; } = [];

    /// <summary>Sends the GET and returns once the headers are in (whatever the status).</summary>
    public static async Task<SseConnection> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = response.StatusCode == HttpStatusCode.OK
            ? new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8)
            : null;
        return new SseConnection(response, reader);
    }

    /// <summary>The next event, heartbeats included; null when the server ended the response.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan within)
    {
        var reader = _reader ?? throw new InvalidOperationException($"The feed answered {(int)_response.StatusCode}.");
        using var deadline = new CancellationTokenSource(within);
        string? type = null, id = null;
        var data = new List<string>();
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No complete event within {within.TotalSeconds:0.#} s; last lines: {string.Join(" | ", Lines.TakeLast(5))}");
            }
            if (line is null)
            {
                return null;
            }
            Lines.Add(line);
            if (line.Length == 0)
            {
                if (type is not null || id is not null || data.Count > 0)
                {
                    return new SseEvent(type, id, data);
                }
                continue;
            }
            var colon = line.IndexOf(':');
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..]);
            value = value.StartsWith(' ') ? value[1..] : value;
            switch (field)
            {
                case "event":
                    type = value;
                    break;
                case "data":
                    data.Add(value);
                    break;
                case "id":
                    id = value;
                    break;
            }
        }
    }

    /// <summary>The next event that is not a heartbeat; null when the server ended the response.</summary>
    public async Task<SseEvent?> NextEventAsync(TimeSpan within)
    {
        while (await NextAsync(within) is { } next)
        {
            if (next.Type != "heartbeat")
            {
                return next;
            }
        }
        return null;
    }

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A client for feeds: disposing a response closes its connection at once (the default handler would first
    /// drain an unfinished response for up to 2 s to reuse the connection), no overall timeout, and optionally a
    /// small socket receive buffer, so a reader that stops reading backs up into the server quickly instead of
    /// into megabytes of kernel buffers.
    /// </summary>
    public static HttpClient Client(ApiTestHost host, Role role, string subject, int? receiveBufferSize = null) =>
        new(new SocketsHttpHandler
        {
            MaxResponseDrainSize = 0,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (receiveBufferSize is { } size)
                {
                    socket.ReceiveBufferSize = size;
                }
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = host.Address,
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestHeaders = { Authorization = new("Bearer", host.Tokens.Issue(new Principal(subject, role), TimeSpan.FromHours(1))) },
        };
}
