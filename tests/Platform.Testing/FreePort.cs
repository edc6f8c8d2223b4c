using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

public static class FreePort
{
    // The OS may hand the same free port out again right after it was released: a test that asks for
    // seven ports at once (the standalone host) must not get one twice.
    private static readonly HashSet<int> Given = [];

    /// <summary>A TCP port that was free a moment ago and that this process has not handed out before.</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
