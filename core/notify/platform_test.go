package notify

import "runtime"

const isDarwin = runtime.GOOS == "darwin"
