//go:build darwin

package darwin

import (
	"strings"

	"github.com/progrium/darwinkit/helper/action"
	"github.com/progrium/darwinkit/macos/appkit"
	"github.com/progrium/darwinkit/objc"

	"github.com/stocksync/stocksync/core/app"
)

// backupsPanel is the Backups window: where the data is, what exists only
// on this Mac, Time Machine, Stocksync's own backups, reminders and the four
// backup methods. Made on first use; every field is touched on the main
// thread only.
type backupsPanel struct {
	w appkit.Window

	dataDir                        appkit.TextField
	atRiskSummary, atRisk, changed appkit.TextField
	tmStatus                       appkit.TextField
	tmInclude                      appkit.Button
	tmDest, tmLatest, tmResult     appkit.TextField
	appDest                        appkit.TextField
	choose                         appkit.Button
	lastSnapshot, lastVerify       appkit.TextField
	backUp, verify, testRestore    appkit.Button
	progress, result               appkit.TextField
	schedule                       appkit.PopUpButton
	schedules                      []app.Choice // the popup's items as shown
	scheduleText                   appkit.TextField
	methods                        [4]appkit.TextField
	methodDetails                  [4]appkit.TextField
}

// newBackupsPanel builds the window; clicks call ctrl's intents on new
// goroutines. Main thread only.
func newBackupsPanel(ctrl *app.Controller) *backupsPanel {
	p := &backupsPanel{}
	w, stack := newPanelWindow("Stocksync Backups")
	p.w = w
	add := stack.add

	stack.section("Data folder")
	p.dataDir = label("")
	add(p.dataDir)
	add(button("Reveal in Finder", func() { go ctrl.RevealDataFolder() }))
	p.atRiskSummary = label("")
	p.atRisk = secondary("")
	p.changed = secondary("")
	add(p.atRiskSummary)
	add(p.atRisk)
	add(p.changed)

	stack.section("Time Machine")
	p.tmStatus = label("")
	p.tmInclude = button("Include in Time Machine", func() { go ctrl.IncludeInTimeMachine() })
	p.tmDest = secondary("")
	p.tmLatest = secondary("")
	p.tmResult = label("")
	add(p.tmStatus)
	add(p.tmInclude)
	add(p.tmDest)
	add(p.tmLatest)
	add(p.tmResult)

	stack.section("Stocksync backups")
	p.appDest = label("")
	p.choose = button("Choose…", func() { go ctrl.ChooseDestination() })
	add(p.appDest)
	add(p.choose)
	p.lastSnapshot = secondary("")
	p.lastVerify = secondary("")
	add(p.lastSnapshot)
	add(p.lastVerify)
	p.backUp = button("Back Up Now", func() { go ctrl.BackUpNow() })
	p.verify = button("Verify", func() { go ctrl.Verify() })
	p.testRestore = button("Test Restore", func() { go ctrl.TestRestore() })
	add(row(p.backUp, p.verify, p.testRestore))
	p.progress = secondary("")
	p.result = label("")
	add(p.progress)
	add(p.result)

	stack.section("Reminders")
	p.schedule = appkit.NewPopUpButton()
	action.Set(p.schedule, func(objc.Object) {
		if v, ok := app.ChoiceAt(p.schedules, p.schedule.IndexOfSelectedItem()); ok {
			go ctrl.ChooseSchedule(v)
		}
	})
	p.scheduleText = secondary("")
	add(p.schedule)
	add(p.scheduleText)

	stack.section("Backup methods")
	for i := range p.methods {
		p.methods[i] = label("")
		p.methodDetails[i] = secondary("")
		add(p.methods[i])
		add(p.methodDetails[i])
	}
	return p
}

// render shows s. Main thread only.
func (p *backupsPanel) render(s app.BackupsPanel) {
	setText(p.dataDir, s.DataDir)
	setText(p.atRiskSummary, s.AtRiskSummary)
	setText(p.atRisk, strings.Join(s.AtRisk, "\n"))
	setText(p.changed, s.ChangedSinceBackup)

	tm := s.TimeMachine
	setText(p.tmStatus, tm.StatusText)
	p.tmInclude.SetHidden(!tm.ShowInclude)
	setText(p.tmDest, tm.DestinationText)
	setText(p.tmLatest, tm.LatestText)
	setText(p.tmResult, tm.ResultText)

	a := s.App
	setText(p.appDest, a.DestinationText)
	p.choose.SetEnabled(a.CanChoose)
	setText(p.lastSnapshot, a.LastSnapshotText)
	setText(p.lastVerify, a.LastVerifyText)
	p.backUp.SetEnabled(a.CanBackUp)
	p.verify.SetEnabled(a.CanVerify)
	p.testRestore.SetEnabled(a.CanTestRestore)
	setText(p.progress, a.ProgressText)
	setOutcome(p.result, a.ResultText, a.ResultOK)

	setChoices(p.schedule, &p.schedules, s.Schedules)
	setText(p.scheduleText, s.ScheduleText)

	for i, m := range s.Methods {
		setText(p.methods[i], m.Line)
		setText(p.methodDetails[i], m.Detail)
	}
}
