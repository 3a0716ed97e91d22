using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BankAccounts.Domain;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Http;

/// <summary>A request body read at the edge: the value, or the problem to answer instead.</summary>
internal readonly record struct BodyResult<T>(T? Value, ProblemHttpResult? Problem) where T : class;

/// <summary>
/// Reads JSON request bodies strictly (no numbers in strings, no unknown or duplicate properties,
/// required members enforced) so that malformed input is answered with a 400 before any command
/// is sent, and never reaches the exception handler.
/// </summary>
internal static class JsonBody
{
    public const int MaxBytes = 16 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>A required body, read strictly and then checked by <paramref name="validate"/> (edge validation).</summary>
    public static async Task<BodyResult<T>> ReadValidAsync<T>(
        HttpRequest request, Func<T, IReadOnlyList<FieldError>> validate, CancellationToken cancellationToken)
        where T : class
    {
        var body = await ReadAsync<T>(request, required: true, null, cancellationToken);
        if (body.Problem is null && validate(body.Value!) is { Count: > 0 } errors)
        {
            return new(null, Problems.Invalid(errors));
        }
        return body;
    }

    /// <param name="required">When false an absent body reads as <paramref name="whenAbsent"/>.</param>
    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, bool required, T? whenAbsent, CancellationToken cancellationToken)
        where T : class
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return required
                ? new(null, Problems.Invalid("body", "A JSON request body is required."))
                : new(whenAbsent, null);
        }
        if (!request.HasJsonContentType())
        {
            return new(null, Problems.UnsupportedMediaType(request.ContentType));
        }
        if (request.ContentLength > MaxBytes)
        {
            return new(null, TooLarge());
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                buffer.Advance(read);
                if (buffer.WrittenCount > MaxBytes)
                {
                    return new(null, TooLarge());
                }
            }
        }
        catch (BadHttpRequestException bad)
        {
            return new(null, Problems.Invalid("body", $"The request body could not be read: {bad.Message}"));
        }

        var bytes = buffer.WrittenSpan;
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }
        if (bytes.IsEmpty)
        {
            return required
                ? new(null, Problems.Invalid("body", "A JSON request body is required."))
                : new(whenAbsent, null);
        }
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return new(null, Problems.Invalid("body", "The request body is not valid UTF-8."));
        }
        return Parse<T>(bytes);
    }

    private static BodyResult<T> Parse<T>(ReadOnlySpan<byte> bytes) where T : class
    {
        var shape = BodyShape.Of(SerializerOptions.GetTypeInfo(typeof(T)));
        if (shape.Check(bytes, ReaderOptions) is { } errors)
        {
            return new(null, Problems.Invalid(errors));
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, SerializerOptions);
            return value is null ? new(null, Problems.Invalid("body", "The request body must be a JSON object.")) : new(value, null);
        }
        catch (JsonException rest)
        {
            // The shape check passed, so this is a value the contract's type cannot hold; the path names the field.
            var field = rest.Path is ['$', '.', .. var name] ? name : "body";
            return new(null, Problems.Invalid(field, $"'{field}' has an invalid value."));
        }
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Invalid("body", $"The request body must not exceed {MaxBytes / 1024} KiB.");
}
