package loginitem

import "runtime"

const isDarwin = runtime.GOOS == "darwin"
