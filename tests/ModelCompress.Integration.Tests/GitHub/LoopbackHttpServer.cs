using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>
/// An <see cref="HttpListener"/> on a free 127.0.0.1 port that hands every request to one handler. The fake GitHub and
/// the Enterprise front door both need exactly this; a handler that throws answers 500 with the exception text (never
/// 501: Prism would replace a 501 with a mocked response and hide the bug).
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener listener;
    private readonly Func<HttpListenerContext, Task> handler;
    private readonly Task loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handler)
    {
        this.handler = handler;
        (listener, Port) = StartOnFreePort();
        loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>, no trailing slash.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// A port the OS just handed out: bind port 0, read the port, release it. Another process may take it before we
    /// bind again, so callers retry on a collision.
    /// </summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static (HttpListener, int) StartOnFreePort()
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort();
            var candidate = new HttpListener();
            candidate.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                candidate.Start();
                return (candidate, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                candidate.Close();
            }
        }
    }

    private async Task AcceptLoop()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Serve(context));
        }
    }

    private async Task Serve(HttpListenerContext context)
    {
        try
        {
            await handler(context);
        }
        catch (Exception e)
        {
            try
            {
                byte[] body = Encoding.UTF8.GetBytes($"{{\"message\":\"fake server error: {e.GetType().Name}\",\"documentation_url\":\"https://docs.github.com/rest\"}}");
                context.Response.StatusCode = 500;
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                Console.Error.WriteLine($"{nameof(LoopbackHttpServer)} on port {Port}: {e}");
            }
            catch (Exception) { /* the response had already started; the client sees a broken connection */ }
        }
        finally
        {
            try { context.Response.Close(); } catch (Exception) { /* client gone */ }
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
